import Foundation

extension WhatsAppFixtures {
    /// A signed `message_template_status_update` webhook (Meta's payload: `event` is the
    /// new status, the entry id the business account).
    public static func signedTemplateStatus(name: String, language: String, event: String, reason: String = "NONE",
                                            businessAccountID: String = businessAccountID, appSecret: String) -> SignedWebhook {
        let body: [String: Any] = [
            "object": "whatsapp_business_account",
            "entry": [[
                "id": businessAccountID, "time": Int(Date().timeIntervalSince1970),
                "changes": [[
                    "field": "message_template_status_update",
                    "value": ["event": event, "message_template_id": 594425479261596, "message_template_name": name,
                              "message_template_language": language, "reason": reason,
                              "message_template_category": "UTILITY"] as [String: Any],
                ]],
            ] as [String: Any]],
        ]
        let data = (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])) ?? Data()
        return SignedWebhook(body: Array(data), appSecret: appSecret)
    }
}
