/// What customers write when they want a person, in the languages Switchboard's
/// businesses see most. Matched as whole words after folding (case, accents and
/// punctuation do not matter). A workspace replaces the list with `phrases:`.
enum HandoffPhrases {
    static let defaults: [String] = english + spanish + portuguese + french + german + italian + dutch + indonesian + turkish

    static let english = [
        "human", "agent", "real person", "live agent", "speak to someone", "talk to someone",
        "speak to a person", "talk to a person", "speak to a human", "talk to a human",
        "customer service", "customer support", "representative", "operator",
    ]
    static let spanish = [
        "humano", "agente", "persona real", "hablar con alguien", "hablar con una persona",
        "hablar con un agente", "hablar con un humano", "asesor", "atencion al cliente", "operador",
    ]
    static let portuguese = [
        "atendente", "falar com alguem", "falar com uma pessoa", "pessoa real", "falar com um humano",
        "atendimento humano",
    ]
    static let french = [
        "humain", "vraie personne", "parler a quelqu un", "parler a une personne", "parler a un humain",
        "parler a un conseiller", "conseiller", "parler a un agent", "service client",
    ]
    static let german = [
        "mensch", "mit einem menschen", "echte person", "mitarbeiter", "kundendienst", "berater",
        "mit jemandem sprechen",
    ]
    static let italian = ["operatore", "persona reale", "parlare con qualcuno", "assistenza clienti"]
    static let dutch = ["medewerker", "een mens", "met iemand spreken", "klantenservice"]
    static let indonesian = ["manusia", "bicara dengan orang", "layanan pelanggan"]
    static let turkish = ["musteri temsilcisi", "canli destek", "yetkili"]
}
