/// The built-in word tables of the matcher: chat abbreviations, synonyms that map the
/// many ways customers name a common small-business topic onto one term, stopwords
/// (which never create a match) and low-weight words (which count, but little).
///
/// Keys are tokens as the tokenizer produces them: lower case, diacritics folded,
/// apostrophes removed ("what's" -> "whats"). Values are final index terms; they are
/// not stemmed again, so they are written in the stemmed form the index uses.
/// The tables are generic (any shop, cafe or service business), in English with the
/// most common Portuguese and Spanish equivalents; they hold nothing about one FAQ.
/// A replacement maps a word only to a term of the same meaning: a chat spelling, an
/// abbreviation, an inflection the stemmer misses, a translation. Never to a related
/// topic ("staff" is not "job", "married" is not "wedding", "internet" is not "wifi",
/// "close" is not "open"): an FAQ that wants those says so in its own questions.
/// Every change is recorded in docs/faq-calibration.md with the split it was made on.
enum Lexicon {
    /// Two-token phrases replaced before anything else. An empty value drops the phrase
    /// (greetings that would otherwise leave a content word behind, like "morning").
    static let phrases: [String: [String]] = [
        "how much": ["price"], "how many": [],
        "good morning": [], "good afternoon": [], "good evening": [], "good night": [],
        "good day": [], "thank you": [], "thanks you": [], "have a": [],
        "bom dia": [], "boa tarde": [], "boa noite": [], "buenos dias": [],
        "buenas tardes": [], "buenas noches": [], "por favor": [], "muito obrigado": [],
        "muito obrigada": [], "muchas gracias": [],
        "wi fi": ["wifi"], "pick up": ["pickup"], "picking up": ["pickup"],
        "money back": ["refund"], "car park": ["park"], "parking lot": ["park"],
        "apple pay": ["pay"], "google pay": ["pay"], "samsung pay": ["pay"],
        "credit card": ["card"], "debit card": ["card"],
        "job opening": ["job"], "job openings": ["job"],
        "pre order": ["order", "ahead"], "in advance": ["ahead"],
        "e mail": ["email"],
    ]

    /// Single tokens replaced by zero or more terms: chat spelling, abbreviations,
    /// inflections the light stemmer does not reach, and topic synonyms.
    static let replacements: [String: [String]] = {
        var table: [String: [String]] = [:]
        func add(_ words: [String], _ terms: [String]) { for w in words { table[w] = terms } }

        // Chat spelling and abbreviations (mostly to stopwords, which are then dropped,
        // but spelled out so "u" never reaches the fuzzy matcher as a content word).
        add(["u", "yu", "ya", "yah"], ["you"])
        add(["ur", "yr", "urs"], ["your"])
        add(["r"], ["are"])
        add(["y"], ["why"])
        add(["n"], ["and"])
        add(["pls", "plz", "plss", "plis", "pleas", "pleasee", "pleaseee", "plsss"], ["please"])
        add(["thx", "thnx", "thanx", "tnx", "ty", "tks", "tku", "thanku", "thankyou", "tq"], ["thanks"])
        add(["wat", "wot", "wht", "whta", "wut"], ["what"])
        add(["wen", "wn", "whn"], ["when"])
        add(["wer", "whr", "whre"], ["where"])
        add(["hw"], ["how"])
        add(["abt", "bout"], ["about"])
        add(["smth", "sth", "smthg", "smthn", "somethin"], ["something"])
        add(["k", "kk", "okk", "okey", "okie", "oki"], ["ok"])
        add(["im", "ive", "id", "ill"], ["i"])
        add(["dont", "doesnt", "didnt", "cant", "cannot", "wont", "isnt", "arent", "aint"], ["not"])
        add(["whats", "wats", "wots"], ["what"])
        add(["wheres", "whers"], ["where"])
        add(["whens"], ["when"])
        add(["hows"], ["how"])
        add(["thats", "theres", "its", "heres"], ["that"])
        add(["wanna", "wana", "gonna", "gotta"], ["want"])
        add(["2day", "tday", "tdy"], ["today"])
        add(["2moro", "2morrow", "2mrw", "tmrw", "tmr", "tmw", "tomoro", "tomorow", "tommorow", "tommorrow"], ["tomorrow"])
        add(["2nite", "tonite", "2night"], ["tonight"])
        add(["b4", "bfr"], ["before"])
        add(["bday", "bdy", "birthdy"], ["birthday"])
        add(["addr"], ["location"])
        add(["loc"], ["location"])
        add(["ppl", "ppls"], ["people"])
        add(["bc", "coz", "cuz", "cos", "bcoz"], ["because"])
        add(["vc", "vcs", "voce", "voces", "vos", "ustedes", "usted"], ["you"])
        add(["q", "ke"], ["que"])
        add(["pq", "xq", "porq"], ["porque"])
        add(["tb", "tbm", "tbem"], ["tambem"])
        add(["msg", "msgs"], ["message"])
        add(["info"], ["information"])
        add(["pic", "pics", "picture", "pictures", "image", "images", "foto", "fotos", "photos"], ["photo"])
        add(["nr", "num"], ["number"])

        // Opening hours.
        add(["opens", "opened", "opening", "abre", "abrem", "abren", "abrir", "abierto",
             "abiertos", "aberto", "abertos"], ["open"])
        add(["closes", "closing", "closed", "fecha", "fecham", "cierra", "cierran", "cerrado"], ["close"])
        add(["hrs", "hr", "hours", "horas", "hora", "horario", "horarios"], ["hour"])

        // Location.
        add(["address", "adress", "addy", "location", "located", "locate", "endereco", "direccion", "ubicados", "ubicado", "ubicacion",
             "localizacao", "localizacion"], ["location"])
        add(["store", "shop", "shops", "stores", "loja", "tienda"], ["shop"])

        // Prices.
        add(["price", "prices", "pricing", "priced", "cost", "costs", "costing", "fee",
             "fees", "preco", "precos", "precio",
             "precios", "valor", "custa", "cuesta", "quanto", "cuanto"], ["price"])

        // Delivery.
        add(["deliver", "delivers", "delivery", "deliveries", "delivered", "delivering",
             "entrega", "entregas", "entregam", "entregan", "entregar"], ["deliver"])
        add(["house", "casa", "domicilio", "home"], ["home"])

        // Payment.
        add(["pay", "pays", "paying", "paid", "payment", "payments", "pagar", "pago",
             "pagos", "pagamento", "pagamentos"], ["pay"])
        add(["card", "cards", "cartao", "cartoes", "tarjeta", "tarjetas"], ["card"])
        add(["cash", "dinheiro", "efectivo"], ["cash"])

        // Ordering ahead, pickup.
        add(["preorder", "preorders", "preordering"], ["order", "ahead"])
        add(["advance", "beforehand", "ahead", "antecipado", "adelantado"], ["ahead"])
        add(["pickup", "retirar", "recoger"], ["pickup"])
        add(["reserve", "reserved", "reserving", "reservation", "reservations", "reserva",
             "reservar"], ["reserve"])
        add(["pedido", "pedidos", "encomenda", "encomendas", "encomendar"], ["order"])

        // Refunds and returns.
        add(["refund", "refunds", "refunded", "reembolso", "devolucao", "devolucion",
             "reimburse"], ["refund"])
        add(["return", "returns", "returned", "returning", "devolver"], ["return"])

        // Jobs.
        add(["job", "jobs", "vacancy", "vacancies", "career", "careers", "employment",
             "emprego", "empleo", "trabajo", "vaga", "vagas"], ["job"])
        add(["cv", "resume", "curriculum"], ["cv"])

        // Wifi.
        add(["wifi", "wlan"], ["wifi"])
        add(["password", "passwords", "pw", "senha", "contrasena"], ["password"])

        // Parking.
        add(["park", "parking", "parked", "estacionamento", "estacionar", "estacionamiento",
             "aparcar"], ["park"])

        // Dietary needs.
        add(["allergy", "allergies", "allergic", "allergen", "allergens", "alergia",
             "alergias"], ["allergy"])
        add(["gluten", "glutenfree"], ["gluten"])
        add(["dairy", "dairyfree"], ["dairy"])
        add(["nut", "nuts", "nutfree"], ["nut"])
        add(["vegan", "vegans", "vegano", "vegana"], ["vegan"])

        // Custom work and occasions.
        add(["custom", "customised", "customized", "customise", "customize",
             "personalised", "personalized", "personalise", "personalize", "bespoke",
             "personalizado", "personalizada"], ["custom"])
        add(["wedding", "weddings", "casamento", "boda", "bodas"], ["wedding"])
        add(["cater", "caters", "catering", "catered"], ["cater"])
        add(["event", "events", "evento", "eventos"], ["event"])

        return table
    }()

    /// Words that carry no topic: function words, question words without a topic,
    /// greetings, thanks, politeness and chat filler, in English, Portuguese and Spanish.
    static let stopwords: Set<String> = [
        // English function words
        "a", "an", "the", "and", "or", "but", "if", "of", "to", "in", "on", "at", "for",
        "from", "by", "with", "about", "as", "into", "onto", "is", "are", "was", "were",
        "be", "been", "being", "am", "do", "does", "did", "doing", "done", "have", "has",
        "had", "having", "i", "me", "my", "mine", "myself", "we", "us", "our", "ours",
        "you", "your", "yours", "he", "him", "his", "she", "her", "it", "its", "they",
        "them", "their", "this", "that", "these", "those", "there", "here", "what",
        "which", "who", "whom", "whose", "why", "how", "can", "could", "will", "would",
        "shall", "should", "may", "might", "must", "not", "no", "yes", "yeah", "yep",
        "nope", "so", "too", "very", "just", "also", "any", "anything", "some",
        "something", "all", "get", "got", "getting", "much", "many", "more", "most",
        "other", "than", "then", "out", "up", "down", "over", "off", "again", "still",
        "one", "ones", "thing", "things", "stuff", "way", "lot", "lots", "bit", "really",
        "actually", "maybe", "please", "kindly", "know", "tell", "let", "like", "want",
        "need", "wondering", "wonder", "help", "ask", "asking", "question", "questions",
        "hi", "hii", "hiii", "hello", "helo", "hey", "heya", "hiya", "yo", "sup",
        "thanks", "thank", "cheers", "ok", "okay", "alright", "great", "good", "nice",
        "cool", "perfect", "awesome", "fine", "sure", "bye", "goodbye", "lol", "haha",
        "hahaha", "hehe", "hmm", "um", "uh", "oh", "ah", "please", "guys", "hun", "dear",
        "sir", "madam", "mam", "maam", "bro", "mate", "friend", "buddy", "babe", "love",
        "because", "before", "after", "make", "makes", "made", "give", "go", "going",
        "come", "coming", "see", "say", "said", "well", "even", "every", "each", "own",
        "same", "such", "only", "both", "few", "either", "whether", "while", "til",
        "till", "until", "since", "per", "via", "etc", "it", "is", "it's", "possible",
        // Portuguese
        "o", "os", "as", "um", "uma", "uns", "umas", "de", "do", "da", "dos", "das",
        "em", "no", "na", "nos", "nas", "por", "para", "pra", "pro", "com", "sem", "que",
        "e", "ou", "se", "eu", "meu", "minha", "seu", "sua", "seus", "suas", "nosso",
        "qual", "quais", "como", "ola", "oi", "bom", "boa", "dia", "tarde", "noite",
        "obrigado", "obrigada", "brigado", "valeu", "muito", "muita", "sim", "nao",
        "fica", "ficam", "tem", "ter", "ser", "sao", "esta", "estao", "fazem", "faz",
        "fazer", "voce", "tambem", "porque", "isso", "isto", "ai", "la", "aqui", "ja",
        "mais", "menos", "favor", "gostaria", "queria", "quero", "pode", "podem",
        // Spanish
        "el", "la", "los", "las", "un", "una", "unos", "unas", "del", "al", "en", "con",
        "y", "es", "son", "su", "sus", "mi", "mis", "tu", "tus", "cual", "cuales", "hola",
        "buenos", "buenas", "dias", "gracias", "muchas", "muchos", "si", "hay", "hacen",
        "hace", "hacer", "estan", "me", "te", "lo", "le", "les", "nuestro", "quiero",
        "quisiera", "puedo", "puede", "pueden", "tienen", "tiene", "tambien", "aqui",
    ]

    /// Words that say something but too little to carry a match alone: when, where,
    /// times and days, numbers (weighted in `TermAnalyzer`). A message made only of
    /// these never matches, except through an interrogative.
    static let lowWeight: Set<String> = [
        "when", "where", "quando", "onde", "cuando", "donde", "time", "times", "today",
        "tomorrow", "tonight", "now", "morning", "afternoon", "evening", "night", "day",
        "days", "week", "weekend", "weekends", "monday", "tuesday", "wednesday",
        "thursday", "friday", "saturday", "sunday", "hoy", "manana", "hoje", "amanha",
        "people", "place", "free",
    ]

    /// The low-weight words that ask for a topic by themselves: "where r u" asks for the
    /// address, "when?" for the hours. They may carry a match alone, unlike days,
    /// times and numbers ("tomorrow?" answers nothing).
    static let interrogatives: Set<String> = ["when", "where", "quando", "onde", "cuando", "donde"]
}
