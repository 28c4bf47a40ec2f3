// Placeholder command entry points, replaced as the modules they wire land.
enum ServeCommand { static func run(_ o: CommandOptions) throws -> Int32 { throw UsageError("serve: not wired yet") } }
enum CheckCommand { static func run(_ o: CommandOptions) throws -> Int32 { throw UsageError("check: not wired yet") } }
enum EventsCommand { static func run(_ o: CommandOptions) throws -> Int32 { throw UsageError("events: not wired yet") } }
