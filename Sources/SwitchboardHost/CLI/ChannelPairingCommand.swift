import Foundation
import SwitchboardChannels
import SwitchboardConfig
import SwitchboardCore

/// `switchboard channels --qr ID [--number DIGITS] [--png FILE]`: links a WhatsApp Web
/// number (a `whatsapp_web` channel) by asking its gateway for the QR code to scan with
/// the phone (WhatsApp > Linked devices), or, with `--number`, for the eight-character
/// code to type on that phone instead. Calls the gateway directly with the channel's
/// config; a running host sees the pairing through the gateway's webhooks.
enum ChannelPairingCommand {
    static func run(_ options: CommandOptions) throws -> Int32 {
        guard let id = options.value("qr") else {
            throw UsageError("switchboard channels: expected --qr ID")
        }
        guard let config = ConfigLoading.forCommand(options) else { return 1 }
        guard let channel = config.host.channels.first(where: { $0.id.rawValue == id }) else {
            printErr("switchboard channels: no channel '\(id)' in \(ConfigLoading.path(options))")
            return 1
        }
        guard channel.type == .whatsappWeb, let e = channel.evolution else {
            printErr("switchboard channels: channel '\(id)' is \(channel.type.rawValue); only whatsapp_web channels pair with a QR code")
            return 1
        }
        let client = EvolutionClient(configuration: .init(baseURL: e.baseURL, apiKey: e.apiKey, instance: e.instance,
                                                          requestTimeout: .seconds(15)))
        let number = options.value("number").map { String($0.filter(\.isNumber)) }
        let answer: EvolutionClient.ConnectAnswer
        do {
            answer = try client.connect(number: number)
        } catch {
            printErr("switchboard channels: the gateway at \(e.baseURL) refused: \(error)")
            return 1
        }
        switch answer {
        case .state(.open):
            print("channel \(id): the session is open; nothing to pair")
            return 0
        case .state(let other):
            print("channel \(id): the gateway is \(describe(other)) and has no QR code yet; run this again in a few seconds")
            return 3
        case .qrCode(let qr):
            print("channel \(id): link the phone in WhatsApp > Settings > Linked devices > Link a device")
            if let code = qr.pairingCode {
                print("pairing code (Link with phone number instead): \(code)")
            }
            if let raw = qr.code {
                print("QR code text (what the QR image encodes; it expires in about 40 s):")
                print(raw)
            }
            if let path = options.value("png") {
                guard let url = qr.imageDataURL, let comma = url.firstIndex(of: ","),
                      let data = Data(base64Encoded: String(url[url.index(after: comma)...])) else {
                    printErr("switchboard channels: the gateway sent no QR image")
                    return 1
                }
                try data.write(to: URL(fileURLWithPath: path))
                print("QR image written to \(path)")
            }
            return 0
        }
    }

    static func describe(_ c: GatewayConnection) -> String {
        switch c {
        case .open: "open"
        case .connecting: "connecting"
        case .close(let reason): reason.map { "closed (code \($0))" } ?? "closed"
        case .refused: "out of QR codes"
        }
    }

    /// The options `switchboard channels` takes for pairing.
    static var options: [CommandOptions.Option] {
        [CommandOptions.Option("qr", value: "ID", help: "Pair this whatsapp_web channel: print its QR code (to scan in WhatsApp > Linked devices)."),
         CommandOptions.Option("number", value: "DIGITS", help: "With --qr: ask for a pairing code to type on this phone instead of scanning."),
         CommandOptions.Option("png", value: "FILE", help: "With --qr: also write the QR image to FILE.")]
    }
}
