import FAQMatcher

/// The FAQ of a small bakery-cafe, written the way an owner fills in the config: a few
/// question phrasings per entry, some entries with Portuguese and Spanish variants
/// because part of the clientele writes in those languages.
public enum BakeryFAQ {
    public static let entries: [FAQEntry] = [
        FAQEntry(
            id: "hours",
            questions: [
                "What are your opening hours?",
                "When are you open?",
                "Are you open on Sundays?",
                "Qual é o horário de funcionamento?",
                "¿Cuál es su horario de atención?",
            ],
            answer: "We are open 7am to 7pm Monday to Saturday, and 8am to 2pm on Sundays."
        ),
        FAQEntry(
            id: "location",
            questions: [
                "Where are you located?",
                "What is your address?",
                "How do I find the shop?",
                "Onde fica a padaria?",
                "¿Dónde están ubicados?",
            ],
            answer: "We are at 12 Market Street, next to the post office."
        ),
        FAQEntry(
            id: "delivery",
            questions: [
                "Do you deliver?",
                "How much does delivery cost?",
                "Which areas do you deliver to?",
                "Vocês fazem entrega?",
                "¿Hacen entregas a domicilio?",
            ],
            answer: "Yes, we deliver within 10 km. Delivery is free for orders over $30, otherwise it costs $4."
        ),
        FAQEntry(
            id: "prices",
            questions: [
                "How much are your cakes?",
                "What are your prices?",
                "Do you have a price list?",
            ],
            answer: "Cupcakes are $3, loaves from $5 and whole cakes from $25. The full price list is on our website."
        ),
        FAQEntry(
            id: "custom_cakes",
            questions: [
                "Can you make a custom cake?",
                "Do you do personalised birthday cakes?",
                "Can I get a cake with a photo or a name on it?",
            ],
            answer: "Yes! Custom cakes need 3 days' notice. Send us the design, the size and the date."
        ),
        FAQEntry(
            id: "allergies",
            questions: [
                "Do you have gluten-free options?",
                "Are your products safe for people with allergies?",
                "Do you have vegan or dairy-free cakes?",
                "Do your cakes contain nuts?",
            ],
            answer: "We bake gluten-free and vegan cakes every day. Our kitchen handles nuts, so we cannot guarantee anything is nut-free."
        ),
        FAQEntry(
            id: "payment",
            questions: [
                "What payment methods do you accept?",
                "Can I pay by card?",
                "Do you take cash?",
            ],
            answer: "We accept cash, debit and credit cards, and mobile payments."
        ),
        FAQEntry(
            id: "order_ahead",
            questions: [
                "Can I order ahead?",
                "How do I place an order for pickup?",
                "Can I reserve bread for tomorrow?",
            ],
            answer: "Yes, order by message or on our website at least 24 hours before pickup."
        ),
        FAQEntry(
            id: "wedding",
            questions: [
                "Do you make wedding cakes?",
                "How far in advance should I book a wedding cake?",
                "Can we do a wedding cake tasting?",
            ],
            answer: "We love weddings! Book 2 months ahead; tastings are on Saturdays by appointment."
        ),
        FAQEntry(
            id: "catering",
            questions: [
                "Do you cater events?",
                "Can you provide pastries for an office meeting or a party?",
                "Do you do catering for large groups?",
            ],
            answer: "Yes, we cater events from 10 to 200 people. Ask for our catering menu."
        ),
        FAQEntry(
            id: "parking",
            questions: [
                "Is there parking?",
                "Where can I park?",
            ],
            answer: "There is free parking behind the shop and street parking on Market Street."
        ),
        FAQEntry(
            id: "wifi",
            questions: [
                "Do you have wifi?",
                "What is the wifi password?",
                "Can I work from the cafe with my laptop?",
            ],
            answer: "Yes, free Wi-Fi for customers. The password is printed on your receipt."
        ),
        FAQEntry(
            id: "refunds",
            questions: [
                "What is your refund policy?",
                "Can I return an item?",
                "My order was wrong, can I get my money back?",
            ],
            answer: "If something is wrong with your order, tell us within 24 hours and we will replace it or refund you."
        ),
        FAQEntry(
            id: "jobs",
            questions: [
                "Are you hiring?",
                "How can I apply for a job?",
                "Do you have any vacancies?",
            ],
            answer: "We are always happy to meet bakers and baristas. Send your CV to jobs@example.com."
        ),
    ]
}
