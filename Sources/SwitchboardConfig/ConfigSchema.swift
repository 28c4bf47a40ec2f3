/// The tables of every config key: one per section, for the host config
/// (`config/switchboard.yaml`) and for workspace files (`config/workspaces/ID.yaml`).
/// Parsing, validation and `documentation()` all read these tables.
public enum ConfigSchema {
    public static let server = ConfigSection(path: "server", doc: "The HTTP server: webhooks, API, inbox, metrics.", options: [
        ConfigOption("listen", .listenAddress, .value("127.0.0.1:8080"),
                     "Address and port to listen on: an IPv4 address, an IPv6 address in brackets, or localhost; port 0 picks a free port. Anything but loopback is reachable from the network (a warning): put a TLS proxy in front."),
        ConfigOption("max_body_bytes", .integer(1...1_073_741_824), .value("1048576"),
                     "Largest request body accepted, in bytes; larger requests are refused with 413. The upload routes (agents' files) have their own limit, media.max_upload_bytes."),
        ConfigOption("trusted_proxies", .addressRanges, .value("[]"),
                     "Reverse proxies (IP addresses or CIDR blocks) whose X-Forwarded-For is believed: the client is the right-most address in it that is not a trusted proxy. Empty: the peer's address is the client (X-Forwarded-For is ignored). Login and web chat rate limits count per client address."),
        ConfigOption("max_connections", .integer(16...1_000_000), .value("1024"),
                     "Most simultaneous connections; past it a new connection is closed at once. Each takes a file descriptor: keep it below the process's open-file limit (ulimit -n)."),
        ConfigOption("max_connections_per_address", .integer(0...1_000_000), .optional("64 when listen is not loopback; 0 (no limit) on loopback, where every peer is the local proxy"),
                     "Most simultaneous connections from one client address; 0 means no limit. Behind a reverse proxy every connection comes from the proxy, so leave it 0 there and limit per client in the proxy."),
        ConfigOption("idle_timeout_seconds", .integer(1...3600), .value("30"),
                     "A connection that sends nothing for this long is closed: an idle keep-alive connection or a request sent too slowly. Open event streams are kept alive by heartbeats instead."),
        ConfigOption("stream_heartbeat_seconds", .integer(1...300), .value("15"),
                     "Event streams (web chat, inbox) get a heartbeat comment after this long without an event: a client that went away is noticed and its connection freed."),
        ConfigOption("stream_max_seconds", .integer(1...604_800), .value("3600"),
                     "An event stream ends after this long; browsers reconnect by themselves (the web chat and inbox pages do)."),
        ConfigOption("stream_buffer_bytes", .integer(4096...1_073_741_824), .value("1048576"),
                     "Most bytes an event stream may hold unsent; a client that reads slower than that is cut off (it reconnects and gets the history again)."),
        ConfigOption("metrics_listen", .listenAddressOrOff, .value("127.0.0.1:9464"),
                     "Address and port of the separate metrics listener (GET /metrics, Prometheus text), or off. /metrics is not served on listen: it names every workspace. Anything but loopback is reachable from the network (a warning unless metrics_token is set)."),
        ConfigOption("metrics_token", .text, .optional("none: whoever reaches metrics_listen may read the metrics"),
                     "When set, /metrics requires Authorization: Bearer TOKEN (Prometheus: authorization.credentials). A secret: use ${VAR}."),
    ])

    public static let webChat = ConfigSection(path: "webchat", doc: "Limits of the public web chat's event streams (GET /chat/WORKSPACE/events).", options: [
        ConfigOption("max_streams", .integer(1...1_000_000), .value("512"),
                     "Most web chat streams open at once in this host; past it a new stream is refused with 503 (keep it well below server.max_connections so webhooks and the inbox always find a connection)."),
        ConfigOption("max_streams_per_address", .integer(1...1_000_000), .value("32"),
                     "Most web chat streams open at once from one client address; past it 429."),
        ConfigOption("max_streams_per_visitor", .integer(1...1000), .value("4"),
                     "Most streams open at once for one visitor of a workspace (a few browser tabs); past it 429."),
    ])

    public static let storage = ConfigSection(path: "storage", doc: "Where messages, conversations and the journal are stored: set sqlite or postgres, not both.", options: [
        ConfigOption("sqlite", .text, .value("data/switchboard.db"),
                     "SQLite database file, the embedded default; a relative path is relative to the current working directory. Used unless postgres is set."),
        ConfigOption("postgres", .postgresURL, .optional("not used"),
                     "PostgreSQL connection URL, for several hosts sharing one database."),
        ConfigOption("postgres_pool_size", .integer(1...500), .value("8"),
                     "PostgreSQL: the most connections this host opens to the database, shared by all its threads (a transaction holds one until it ends)."),
        ConfigOption("migrate_on_start", .boolean, .value("true"),
                     "Apply pending schema migrations when serve starts. false: serve refuses to start while migrations are pending and says to run `switchboard migrate` (for several hosts on one PostgreSQL, where the operator migrates once)."),
        ConfigOption("heartbeat_seconds", .integer(1...30), .value("5"),
                     "PostgreSQL: how often this host writes its heartbeat and renews its leases (the WhatsApp Web sessions and Telegram pollers it runs), and how often it looks for work a dead host left. At most 30: `switchboard copy` takes a host that beat in the last minute for a live one."),
        ConfigOption("host_lease_seconds", .integer(2...3600), .value("15"),
                     "PostgreSQL: a host whose heartbeat is older than this counts as dead: the others take its claimed work and its sessions. Must be more than heartbeat_seconds (two or three beats: a host that misses one beat, a slow statement, keeps its work). Shorter moves work sooner after a crash; too short and a live host that stalls loses its work, and a reply it was sending may go out twice."),
        ConfigOption("durability", .choice(["full", "normal"]), .value("full"),
                     "SQLite: full syncs the log at every commit, so an acknowledged message survives a power cut; normal survives a crash of the process but may lose the last commits on a power cut or kernel crash, and is faster on slow disks."),
    ])

    public static let log = ConfigSection(path: "log", doc: "Structured logging.", options: [
        ConfigOption("level", .choice(["debug", "info", "warn", "error"]), .value("info"),
                     "Lines below this level are not written."),
        ConfigOption("format", .choice(["json", "text"]), .value("json"),
                     "One JSON object per line, or readable text for terminals."),
        ConfigOption("file", .text, .optional("stderr"),
                     "File to append log lines to; a relative path is relative to the current working directory."),
    ])

    public static let plugins = ConfigSection(path: "plugins", doc: "Responder plugins (shared libraries).", options: [
        ConfigOption("path", .textList, .value("[.build/release, /usr/lib/switchboard/plugins]"),
                     "Folders searched, in order, for a plugin named in a workspace (libNAME.so)."),
    ])

    public static let workspaces = ConfigSection(path: "workspaces", doc: "The businesses served: one YAML file per workspace.", options: [
        ConfigOption("dir", .text, .value("config/workspaces"),
                     "Folder of workspace files (*.yaml, *.yml), each named after its workspace id; a relative path is relative to the current working directory."),
    ])

    public static let whatsAppApp = ConfigSection(path: "whatsapp.apps[]", doc: "A Meta app; its webhooks arrive at /webhooks/whatsapp/ID.", options: [
        ConfigOption("id", .identifier, .required, "Name of the app, used in the webhook URL and by channels' app key."),
        ConfigOption("app_secret", .text, .required, "The app secret that signs webhooks (X-Hub-Signature-256). A secret: use ${VAR}."),
        ConfigOption("verify_token", .text, .required, "The token Meta echoes in the webhook verification handshake. A secret: use ${VAR}."),
        ConfigOption("graph_url", .httpURL, .value("https://graph.facebook.com/v21.0"),
                     "Base URL of the Graph API, with its version; tests point it at a local fake server."),
    ])

    public static let whatsApp = ConfigSection(path: "whatsapp", doc: "WhatsApp Cloud API.", options: [
        ConfigOption("apps", .sectionList(whatsAppApp), .value("[]"), "The Meta apps whose webhooks this host receives."),
    ])

    public static let whatsAppWeb = ConfigSection(path: "whatsapp_web", doc: "WhatsApp Web sessions through an Evolution API gateway.", options: [
        ConfigOption("workspace_gateways", .textList, .value("[]"),
                     "The gateways (their base_url) on which a workspace may connect a WhatsApp Web session of its own (its file's channels:, the setup walk). A workspace's whatsapp_web channel on any other URL is refused, so a workspace admin cannot make the host call an address of their choosing. Empty: only the host config defines whatsapp_web channels."),
    ])

    public static let channel = ConfigSection(path: "channels[]", doc: "A connection to a messaging provider: a WhatsApp number, a Telegram bot or a web chat.", options: [
        ConfigOption("id", .identifier, .required, "Name of the channel, unique in the host, used in logs and the journal."),
        ConfigOption("type", .choice(["whatsapp", "webchat", "telegram", "whatsapp_web"]), .required, "The provider."),
        ConfigOption("app", .identifier, .optional("an error on whatsapp channels"), "whatsapp: the id of the app in whatsapp.apps that receives this number's webhooks."),
        ConfigOption("phone_number_id", .digits, .optional("an error on whatsapp channels"), "whatsapp: the number's id in the Cloud API (not the phone number); quote it."),
        ConfigOption("access_token", .text, .optional("an error on whatsapp channels"), "whatsapp: the token used to send. A secret: use ${VAR}."),
        ConfigOption("waba_id", .digits, .optional("no message templates on this channel"),
                     "whatsapp: the WhatsApp Business Account id (digits; quote it) whose approved message templates agents may send (synced from GET /{waba_id}/message_templates at start, on a message_template_status_update webhook and on demand)."),
        ConfigOption("workspace", .identifier, .optional("shared: routed by sender"),
                     "The workspace that owns this channel (recipient routing). Leave it out on a shared number: messages then go to the workspace whose senders list holds the sender. Required for webchat."),
        ConfigOption("fallback_workspace", .identifier, .optional("unknown senders are held as unrouted"),
                     "Shared channels: the workspace that gets senders no workspace lists."),
        ConfigOption("rate_limit", .number(greaterThan: 0), .value("80"), "Messages per second the channel's sender may send."),
        ConfigOption("probe_interval_seconds", .integer(0...86_400), .value("300"),
                     "whatsapp, telegram: seconds between two active probes of the Cloud API (GET /{phone_number_id}?fields=id; Telegram: getMe, the cheapest calls that need a valid token), so a revoked token shows as auth_failed before a customer writes; 0 turns the probe off."),
        ConfigOption("bot_token", .text, .optional("an error on telegram channels"), "telegram: the bot's token from @BotFather. A secret: use ${VAR}."),
        ConfigOption("secret_token", .text, .optional("an error on telegram channels in webhook mode"),
                     "telegram: the secret Telegram sends in X-Telegram-Bot-Api-Secret-Token with every webhook (1-256 of A-Z a-z 0-9 _ -); requests without it get 401. A secret: use ${VAR}."),
        ConfigOption("mode", .choice(["webhook", "polling"]), .value("webhook"),
                     "telegram: webhook (Telegram posts to /webhooks/telegram/{id}) or polling (the host long-polls getUpdates; for hosts without a public address)."),
        ConfigOption("api_url", .text, .value("https://api.telegram.org"), "telegram: the Bot API's base URL (a local Bot API server, or a test's fake)."),
        ConfigOption("webhook_url", .text, .optional("telegram: the webhook is set by hand; whatsapp_web: http://LISTEN/webhooks/evolution/{id}, from server.listen and the port bound"),
                     "telegram, webhook mode: the public https URL of this channel's webhook (https://HOST/webhooks/telegram/{id}), given to setWebhook at start. whatsapp_web: where the gateway posts its webhooks, when it reaches this host by another address (a proxy, a container network)."),
    ] + evolutionOptions)

    public static let outbox = ConfigSection(path: "outbox", doc: "How channel senders retry and back off.", options: [
        ConfigOption("retry_base_ms", .integer(1...3_600_000), .value("1000"),
                     "First retry delay ceiling, in milliseconds; each retry doubles it (exponential backoff with full jitter)."),
        ConfigOption("retry_cap_ms", .integer(1...86_400_000), .value("300000"),
                     "Longest delay between two attempts, in milliseconds."),
        ConfigOption("max_attempts", .integer(1...1000), .value("20"),
                     "Attempts before a retryable failure is recorded as failed for good."),
        ConfigOption("breaker_failures", .integer(1...1000), .value("5"),
                     "Consecutive provider failures (5xx, timeouts, connection errors) that open a channel's circuit breaker."),
        ConfigOption("breaker_cooldown_ms", .integer(1...3_600_000), .value("30000"),
                     "How long an open breaker waits before letting one probe call through, in milliseconds."),
        ConfigOption("pair_spacing_ms", .integer(0...60_000), .value("1000"),
                     "Least time between two messages to the same customer (WhatsApp's pair rate limit), in milliseconds."),
        ConfigOption("lease_ms", .integer(1_000...86_400_000), .value("300000"),
                     "How long a sender's claim holds an outbox entry, in milliseconds: an entry still being sent after that (its sender died, hung, or could not record the outcome) is taken again, and may be sent twice. Keep it well above the longest provider call."),
    ])

    public static let media = ConfigSection(path: "media", doc: "Inbound media downloads for agents (GET /api/v1/messages/{id}/media).", options: [
        ConfigOption("downloads", .integer(1...64), .value("8"),
                     "Downloads from the provider running at once, on their own threads (never the HTTP server's); up to 4 times as many more wait their turn, and past that requests are answered 503 with Retry-After."),
        ConfigOption("downloads_per_workspace", .integer(1...64), .value("4"),
                     "Downloads one workspace may have running or waiting; past that its requests are answered 429 with Retry-After, so one workspace cannot take every download thread."),
        ConfigOption("max_bytes", .integer(1...104_857_600), .value("16777216"),
                     "Largest media served, in bytes (16 MiB); larger media is refused with a clear error (502, code media_too_large) before anything is sent."),
        ConfigOption("dir", .text, .optional("a folder named media beside the SQLite database"),
                     "Where the media store keeps files: inbound media downloaded on arrival and agents' attachments, one folder per workspace, each file named by its SHA-256."),
        ConfigOption("keep_inbound", .boolean, .value("true"),
                     "Download inbound media into the media store when it arrives (false: only when an agent or a plugin asks, from the provider, within its 7 days)."),
        ConfigOption("max_upload_bytes", .integer(1...104_857_600), .value("104857600"),
                     "Largest file an agent may upload (an attachment, a template's header image, video or document), in bytes (100 MiB, WhatsApp's largest: documents). Applies to the upload routes only, which check the caller before reading the file; the rest of the API keeps server.max_body_bytes. WhatsApp's own per-type limits (images 5 MB, videos 16 MB, documents 100 MB) are checked as well."),
        ConfigOption("store_max_bytes", .integer(1...104_857_600), .value("104857600"),
                     "Largest inbound file kept by the media store, in bytes (WhatsApp's own limit, 100 MB); a larger one is not downloaded on arrival and stays with the provider (7 days)."),
    ])

    /// The top level of `config/switchboard.yaml`.
    public static let host = ConfigSection(path: "", doc: "Host config (config/switchboard.yaml).", options: [
        ConfigOption("server", .section(server), .value("{}"), server.doc),
        ConfigOption("storage", .section(storage), .value("{}"), storage.doc),
        ConfigOption("log", .section(log), .value("{}"), log.doc),
        ConfigOption("plugins", .section(plugins), .value("{}"), plugins.doc),
        ConfigOption("workspaces", .section(workspaces), .value("{}"), workspaces.doc),
        ConfigOption("whatsapp", .section(whatsApp), .value("{}"), whatsApp.doc),
        ConfigOption("whatsapp_web", .section(whatsAppWeb), .value("{}"), whatsAppWeb.doc),
        ConfigOption("channels", .sectionList(channel), .value("[]"), "The channels this host runs."),
        ConfigOption("outbox", .section(outbox), .value("{}"), outbox.doc),
        ConfigOption("webchat", .section(webChat), .value("{}"), webChat.doc),
        ConfigOption("media", .section(media), .value("{}"), media.doc),
    ])

    public static let plugin = ConfigSection(path: "plugins[]", doc: "One responder of the workspace's chain.", options: [
        ConfigOption("name", .identifier, .required, "The plugin, loaded from libNAME.so in plugins.path."),
        ConfigOption("file", .text, .optional("libNAME.so found in plugins.path"), "An explicit path to the plugin's shared library."),
        ConfigOption("deadline_ms", .integer(1...600_000), .value("2000"), "How long the plugin may take to answer one message, in milliseconds."),
        ConfigOption("config", .anyYAML, .value("{}"), "The plugin's own settings, handed to it as JSON: plain scalars are typed (null, true, 3, 2.5), quoted ones are strings."),
        ConfigOption("config_file", .text, .optional("none"), "A YAML (or JSON) file with more of the plugin's settings (a mapping), e.g. a long FAQ; its keys join those of config (a key in both is an error). A relative path is relative to the current working directory."),
    ])

    /// The top level of a workspace file, `config/workspaces/ID.yaml`.
    public static let workspace = ConfigSection(path: "", doc: "Workspace config (config/workspaces/ID.yaml).", options: [
        ConfigOption("id", .identifier, .required, "The workspace id; must equal the file's base name."),
        ConfigOption("name", .text, .required, "The business's name, shown to agents."),
        ConfigOption("region", .region, .required, "Default region for phone numbers written without a country code (NG, KE, GB)."),
        ConfigOption("timezone", .timeZone, .required, "The business's time zone (Africa/Lagos)."),
        ConfigOption("senders", .textList, .value("[]"),
                     "Shared channels: the phone numbers whose messages belong to this workspace; normalised to E.164 with region."),
        ConfigOption("fallback", .text, .optional("no reply"), "Sent when no responder answers."),
        ConfigOption("mark_read", .boolean, .value("false"), "Mark inbound messages as read (blue ticks) when they are processed."),
        ConfigOption("debounce_ms", .integer(0...60_000), .value("0"),
                     "A burst of messages from one customer, each within this many milliseconds of the next, gets one answer: the chain runs once, on the last, with their texts joined (0: every message on its own)."),
        ConfigOption("chat_language", .choice(["en", "es"]), .optional("the visitor's browser's language"),
                     "The language of the web chat page, whatever the visitor's browser prefers (en, es)."),
        ConfigOption("media_retention_days", .integer(1...36_500), .optional("keep media files for ever"),
                     "Days after which the media store deletes this workspace's files (inbound and sent); the messages stay, their media then answers 410."),
        ConfigOption("plugins", .sectionList(plugin), .value("[]"), "The responder chain, in order: the first plugin that replies wins."),
        ConfigOption("channels", .sectionList(channel), .value("[]"),
                     "Channels of this workspace's own (what its owner connects in the setup walk): the keys of the host's channels[], each routed to this workspace (workspace: is this id or left out; no fallback_workspace). Ids and phone_number_ids must not collide with the host's or another workspace's channels. A whatsapp channel names an app of the host's whatsapp.apps. Added by a reload without a restart (whatsapp, whatsapp_web, webchat)."),
        ConfigOption("retention_days", .number(greaterThan: 0), .optional("keep"),
                     "Message content (text, media, payloads) older than this many days is deleted by a background sweep; the messages' metadata and the journal stay. Fractions allowed (0.5: twelve hours)."),
    ])

    /// The secrets the shipped config falls back to when the environment does not set
    /// them (`${WA_APP_SECRET:-demo-app-secret}`): fine on loopback for the demo, refused
    /// by `check` and `serve` on an address reachable from the network (anyone who has
    /// read the README could sign webhooks).
    public static let demoSecrets: Set<String> = ["demo-app-secret", "demo-verify-token", "demo-access-token"]

    /// Every documented key of both files, one per entry, with type, default and sentence:
    /// what `switchboard check --keys` (or similar) can print.
    public static func documentation() -> String {
        var lines: [String] = []
        for root in [host, workspace] {
            lines.append("# " + root.doc)
            lines.append("")
            document(root, prefix: "", into: &lines)
            lines.append("")
        }
        return lines.joined(separator: "\n")
    }

    private static func document(_ section: ConfigSection, prefix: String, into lines: inout [String]) {
        for option in section.options {
            let key = prefix + option.key
            let dflt: String = switch option.defaultValue {
            case .required: "required"
            case .optional(let meaning): "optional; when unset: \(meaning)"
            case .value(let yaml): "default: \(yaml)"
            }
            lines.append("\(key)  [\(option.type.documentation); \(dflt)]")
            lines.append("    \(option.doc)")
            switch option.type {
            case .section(let nested): document(nested, prefix: key + ".", into: &lines)
            case .sectionList(let nested): document(nested, prefix: key + "[].", into: &lines)
            default: break
            }
        }
    }

    /// Every documented key path (`server.listen`, `channels[].id`) of a root section.
    public static func keyPaths(_ root: ConfigSection) -> [String] {
        var out: [String] = []
        func walk(_ section: ConfigSection, _ prefix: String) {
            for option in section.options {
                out.append(prefix + option.key)
                switch option.type {
                case .section(let nested): walk(nested, prefix + option.key + ".")
                case .sectionList(let nested): walk(nested, prefix + option.key + "[].")
                default: break
                }
            }
        }
        walk(root, "")
        return out
    }
}
