import FAQMatcher

/// A second FAQ, a phone repair shop, with its own labelled messages. Written after
/// the default threshold was calibrated on the bakery set, and never used to tune
/// anything: it shows how the defaults carry over to a business they were not tuned on.
/// (One change was made against it all the same: the fuzzy matcher's same-first-letter
/// rule, after "rain" matched "drain"; docs/faq-calibration.md.) Frozen: only measured.
public enum HeldOutRepairShop {
    public static var frozen: [LabelledQuestion] { labelled.map { LabelledQuestion(text: $0.text, expected: $0.expected) } }

    public static let entries: [FAQEntry] = [
        FAQEntry(id: "hours", questions: [
            "What are your opening hours?", "Are you open on weekends?", "¿A qué hora abren?",
        ], answer: "Monday to Friday 9am-6pm, Saturday 10am-4pm, closed Sundays."),
        FAQEntry(id: "location", questions: [
            "Where is your shop?", "What is your address?", "¿Dónde queda la tienda?",
        ], answer: "Unit 4, Riverside Mall, ground floor next to the food court."),
        FAQEntry(id: "screen", questions: [
            "Can you fix a cracked screen?", "Do you replace broken phone screens?",
        ], answer: "Yes, we replace screens for most iPhone, Samsung and Pixel models, usually within an hour."),
        FAQEntry(id: "battery", questions: [
            "Do you replace batteries?", "My phone battery drains fast, can you help?",
        ], answer: "Battery replacements take about 30 minutes and come with a 6-month warranty."),
        FAQEntry(id: "quote", questions: [
            "How much does a repair cost?", "Can I get a quote?", "What are your prices?",
        ], answer: "Send us the model and the problem and we will quote you; diagnosis is free."),
        FAQEntry(id: "warranty", questions: [
            "Do your repairs come with a warranty?", "What if the problem comes back after the repair?",
        ], answer: "Every repair has a 6-month warranty on parts and labour."),
        FAQEntry(id: "appointment", questions: [
            "Do I need an appointment?", "Can I book a time slot?", "Can I just walk in?",
        ], answer: "Walk-ins are welcome; booking a slot online guarantees no wait."),
        FAQEntry(id: "turnaround", questions: [
            "How long does a repair take?", "Can I get my phone back the same day?",
        ], answer: "Most repairs are done the same day, many within an hour."),
        FAQEntry(id: "data", questions: [
            "Will I lose my data?", "Are my photos and files safe during the repair?",
        ], answer: "We never wipe your phone for a standard repair, but we recommend a backup."),
        FAQEntry(id: "water", questions: [
            "My phone fell in water, can you fix it?", "Do you repair water damage?",
        ], answer: "Bring it in as soon as possible, switched off; we clean and test water-damaged phones."),
        FAQEntry(id: "buy_phones", questions: [
            "Do you buy used phones?", "Can I sell my old phone to you?", "Do you do trade-ins?",
        ], answer: "Yes, we buy used phones in working order and offer trade-in credit."),
        FAQEntry(id: "payment", questions: [
            "What payment methods do you accept?", "Can I pay by card?",
        ], answer: "Cash, cards and contactless payments."),
    ]

    public static let labelled: [(text: String, expected: String?)] = [
        ("what time do u open", "hours"),
        ("open saturday?", "hours"),
        ("r u open on sundays", "hours"),
        ("hours pls", "hours"),
        ("a que hora cierran", "hours"),
        ("where are u", "location"),
        ("whats the adress", "location"),
        ("which mall are you in", "location"),
        ("dónde están ubicados", "location"),
        ("my screen is cracked can u fix it", "screen"),
        ("screen replacement for iphone 12?", "screen"),
        ("broken screen", "screen"),
        ("do you fix samsung screens", "screen"),
        ("smashed my phone screen", "screen"),
        ("battery replacement?", "battery"),
        ("my battery dies really fast", "battery"),
        ("can you change the batery on my phone", "battery"),
        ("new battery for pixel 6", "battery"),
        ("how much to fix my phone", "quote"),
        ("price for repair?", "quote"),
        ("can i get a quote for a samsung a52", "quote"),
        ("how much do u charge", "quote"),
        ("is there a warranty", "warranty"),
        ("do repairs have guarantee", "warranty"),
        ("the problem came back after u fixed it", "warranty"),
        ("warranty?", "warranty"),
        ("do i need to book", "appointment"),
        ("can i just walk in", "appointment"),
        ("need an appointment?", "appointment"),
        ("can i book for tomorrow", "appointment"),
        ("how long will it take", "turnaround"),
        ("same day repair?", "turnaround"),
        ("how long does a screen repair take", "turnaround"),
        ("when will my phone be ready", "turnaround"),
        ("will i lose my photos", "data"),
        ("is my data safe", "data"),
        ("do u wipe the phone", "data"),
        ("dropped my phone in the toilet", "water"),
        ("water damage repair?", "water"),
        ("phone got wet and wont turn on", "water"),
        ("do you buy old phones", "buy_phones"),
        ("i want to sell my iphone", "buy_phones"),
        ("trade in?", "buy_phones"),
        ("can i pay with card", "payment"),
        ("do u take cash", "payment"),
        ("contactless?", "payment"),
        ("hi", nil),
        ("thanks a lot!", nil),
        ("ok cool", nil),
        ("good evening", nil),
        ("do you sell pizza", nil),
        ("can you unlock my bank account", nil),
        ("what's the best phone to buy", nil),
        ("i need a taxi", nil),
        ("hello is anyone there", nil),
        ("who is the manager", nil),
        ("gracias!", nil),
        ("😀", nil),
        ("can you recommend a restaurant nearby", nil),
        ("my dog ate my homework", nil),
        ("is it going to rain tomorrow", nil),
    ]
}
