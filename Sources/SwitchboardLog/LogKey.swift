/// The metadata keys of every log line, spelled once. Ids travel in metadata, never
/// interpolated into the message text.
public enum LogKey {
    public static let workspace = "workspace"
    public static let conversation = "conversation"
    public static let message = "message_id"
    public static let channel = "channel"
    public static let plugin = "plugin"
    public static let contact = "contact"
    public static let app = "app"
    public static let error = "error"
    public static let route = "route"
    public static let status = "status"
    public static let event = "event"
}
