"""The demo shop's world: weights, names, catalogue, and the words of every mail."""

from __future__ import annotations

from datetime import UTC, timedelta, timezone
from typing import Any

SELLER_NAME = "Anatolia Textiles"
SELLER_EMAIL = "hello@anatolia-textiles.example"
SELLER_DOMAIN = "anatolia-textiles.example"
DAYS = 90
TICKETS = 300
ACTOR = "demo"
_HOUR = timedelta(hours=1)

# --- the shop's world: weights, names, catalogue ----------------------------------------------

CHANNELS = (("amazon", 27), ("email", 28), ("shopify", 18), ("ebay", 17), ("etsy", 10))
TOPICS = (("where", 24), ("refund", 8), ("return", 8), ("size", 8), ("damaged", 7),
          ("cancel", 6), ("invoice", 6), ("thanks", 5), ("question", 33))  # fmt: skip
# Tickets arrive at a steady rate over the DAYS; the state the seller left one in depends on its
# age (hours since its first mail): recent ones wait, old ones are mostly done.
STATES_BY_AGE = (
    (20, (("open-new", 75), ("pending", 10), ("closed", 15))),
    (24 * 21, (("open-late", 40), ("pending", 25), ("snoozed", 5), ("closed", 30))),
    (None, (("closed", 94), ("open-late", 2), ("pending", 4))),
)
GAP_HOURS = {
    ("in", "out"): (0.3, 26),
    ("out", "in"): (1, 50),
    ("in", "in"): (40, 96),
    ("out", "out"): (4, 48),
}
# The least age of a ticket's last mail in each state: an open-late customer has waited a day.
MIN_AGE_HOURS = {"open-new": 0.2, "open-late": 27, "pending": 2, "snoozed": 1, "closed": 1}
# The story the stats tell: in the last SPIKE_DAYS, this product starts arriving damaged.
SPIKE_SKU, SPIKE_TOPIC, SPIKE_TICKETS, SPIKE_DAYS = "LINEN-TT-3", "damaged", 8, 6
SPIKE_OPENERS = {
    "en": [("Tea towels arrived torn", "Hi,\n\nthe {item} arrived today and two of the towels are torn at the hem. The fabric looks damaged. What can we do?\n\n{first}"),
           ("Damaged tea towels", "Hello,\n\nI unpacked the {item} (order {order}) and one has a hole, another a torn seam. Not what I expected.\n\n{first}")],
    "de": [("Geschirrtücher beschädigt", "Hallo,\n\n{item} ist heute angekommen, zwei Tücher sind am Saum gerissen, eins hat ein Loch. Beschädigt, so kann ich sie nicht verschenken.\n\n{first}")],
    "tr": [("Kurulama bezleri yırtık geldi", "Merhaba,\n\n{item} bugün geldi, iki bezin kenarı yırtık, birinde delik var. Ürün hasarlı geldi.\n\n{first}")],
}  # fmt: skip
BODY_STYLES = (("plain", 78), ("alternative", 15), ("html", 7))
LANGUAGES = {
    "amazon": ((("de", "amazon.de"), 40), (("en", "amazon.com"), 20), (("en", "amazon.co.uk"), 20), (("tr", "amazon.com.tr"), 20)),
    "email": ((("tr", "tr"), 36), (("de", "de"), 30), (("en", "uk"), 18), (("en", "us"), 16)),
    "shopify": ((("en", "us"), 30), (("en", "uk"), 20), (("de", "de"), 25), (("tr", "tr"), 25)),
    "ebay": ((("en", "ebay.com"), 35), (("en", "ebay.co.uk"), 25), (("de", "ebay.de"), 40)),
    "etsy": ((("en", "us"), 80), (("de", "de"), 20)),
}  # fmt: skip
_CET, _TRT, _EST = (
    timezone(timedelta(hours=1)),
    timezone(timedelta(hours=3)),
    timezone(timedelta(hours=-5)),
)
ZONES = {"seller": _TRT, "tr": _TRT, "amazon.com.tr": _TRT, "de": _CET, "amazon.de": _CET, "ebay.de": _CET,
         "uk": UTC, "amazon.co.uk": UTC, "ebay.co.uk": UTC, "us": _EST, "amazon.com": _EST, "ebay.com": _EST}  # fmt: skip
CURRENCIES = {"tr": "TRY", "amazon.com.tr": "TRY", "de": "EUR", "amazon.de": "EUR", "ebay.de": "EUR",
              "uk": "GBP", "amazon.co.uk": "GBP", "ebay.co.uk": "GBP", "us": "USD", "amazon.com": "USD", "ebay.com": "USD"}  # fmt: skip
RATES = {"EUR": 1.0, "GBP": 0.86, "USD": 1.08, "TRY": 36.0}
AMAZON_PREFIX = {"amazon.de": ("302", "303", "304", "305", "306"), "amazon.com": ("111", "112", "113", "114"),
                 "amazon.co.uk": ("202", "203", "204", "205", "206"), "amazon.com.tr": ("407", "408")}  # fmt: skip
CHARSETS = {
    "tr": (("utf-8", 45), ("iso-8859-9", 35), ("windows-1254", 20)),
    "de": (("utf-8", 75), ("iso-8859-15", 25)),
    "en": (("utf-8", 90), ("windows-1252", 10)),
}
ENCODINGS = {"utf-8": ("8bit", "quoted-printable", "base64"), "iso-8859-9": ("quoted-printable", "quoted-printable", "base64", "8bit"),
             "windows-1254": ("base64", "quoted-printable"), "iso-8859-15": ("quoted-printable",), "windows-1252": ("quoted-printable", "8bit")}  # fmt: skip
# (carrier, tracking pattern: 9 a digit, A a letter, url)
CARRIERS = {
    "EUR": (("DHL", "00340434999999999999", "https://www.dhl.de/de/privatkunden/pakete-empfangen/verfolgen.html?piececode={}"),
            ("Hermes", "H1099999999999999999", "https://www.myhermes.de/empfangen/sendungsverfolgung/sendungsinformation#{}"),
            ("UPS", "1ZAAA99999999999999", "https://www.ups.com/track?tracknum={}")),
    "GBP": (("Royal Mail", "AA999999999GB", "https://www.royalmail.com/track-your-item#/tracking-results/{}"),
            ("DPD", "15599999999999", "https://track.dpd.co.uk/parcels/{}")),
    "USD": (("USPS", "9400199999999999999999", "https://tools.usps.com/go/TrackConfirmAction?tLabels={}"),
            ("UPS", "1ZAAA99999999999999", "https://www.ups.com/track?tracknum={}")),
    "TRY": (("Yurtiçi Kargo", "999999999999", "https://www.yurticikargo.com/tr/online-servisler/gonderi-sorgula?code={}"),
            ("Aras Kargo", "9999999999", "https://kargotakip.araskargo.com.tr/mainpage.aspx?code={}"),
            ("PTT Kargo", "RR999999999TR", "https://gonderitakip.ptt.gov.tr/Track/Verify?q={}")),
}  # fmt: skip
CATALOG: tuple[dict[str, Any], ...] = (
    {"sku": "TWL-SET-4", "price": 49.9, "sizes": (), "en": "Turkish cotton towel set (4 pcs)",
     "tr": "Türk pamuğu havlu seti (4'lü)", "de": "Türkisches Baumwoll-Handtuchset (4-teilig)"},
    {"sku": "KLM-CUSH-45", "price": 34.5, "sizes": (), "en": "Hand-woven kilim cushion cover 45x45",
     "tr": "El dokuması kilim yastık kılıfı 45x45", "de": "Handgewebter Kelim-Kissenbezug 45x45"},
    {"sku": "PST-BEACH", "price": 24.9, "sizes": (), "en": "Peshtemal beach towel",
     "tr": "Peştemal plaj havlusu", "de": "Peshtemal-Strandtuch"},
    {"sku": "ROBE-WAFFLE", "price": 59.0, "sizes": ("S", "M", "L", "XL"), "en": "Waffle cotton bathrobe",
     "tr": "Waffle pamuk bornoz", "de": "Waffel-Bademantel aus Baumwolle"},
    {"sku": "SUZANI-RUN", "price": 29.0, "sizes": (), "en": "Suzani table runner",
     "tr": "Suzani masa örtüsü", "de": "Suzani-Tischläufer"},
    {"sku": "HAMAM-GIFT", "price": 39.9, "sizes": (), "en": "Hammam spa gift set",
     "tr": "Hamam spa hediye seti", "de": "Hamam-Wellness-Geschenkset"},
    {"sku": "KLM-RUG-80", "price": 149.0, "sizes": (), "en": "Vintage kilim rug 80x120",
     "tr": "Vintage kilim halı 80x120", "de": "Vintage-Kelim-Teppich 80x120"},
    {"sku": "MUSLIN-THR", "price": 44.0, "sizes": (), "en": "Muslin throw blanket",
     "tr": "Müslin battaniye", "de": "Musselin-Kuscheldecke"},
    {"sku": "LINEN-TT-3", "price": 19.5, "sizes": (), "en": "Linen tea towels (set of 3)",
     "tr": "Keten kurulama bezi (3'lü)", "de": "Leinen-Geschirrtücher (3er-Set)"},
    {"sku": "HAMAM-SLIP", "price": 17.9, "sizes": ("37/38", "39/40", "41/42", "43/44"), "en": "Hammam slippers",
     "tr": "Hamam terliği", "de": "Hamam-Pantoffeln"},
)  # fmt: skip
FIRST_NAMES = {
    "tr": ("Ayşe", "Mehmet", "Zeynep", "Emre", "Elif", "Burak", "Gülşen", "İbrahim", "Özge", "Çağrı", "Şule",
           "Onur", "Derya", "Hakan", "Selin", "Ümit", "Büşra", "Oğuz", "Işıl", "Gökhan", "Tuğba", "Ömer"),
    "de": ("Jürgen", "Anna", "Lukas", "Sophie", "Maximilian", "Lena", "Jörg", "Katrin", "Stefan", "Marie",
           "Tobias", "Sabine", "Uwe", "Claudia", "Björn", "Jana", "Matthias", "Ute", "Sören", "Greta"),
    "en": ("Emily", "James", "Priya", "Olivia", "Daniel", "Sarah", "Michael", "Hannah", "Tom", "Grace", "Ryan",
           "Chloe", "Aisha", "Ben", "Megan", "Liam", "Noah", "Zoe", "Ethan", "Fiona"),
}  # fmt: skip
LAST_NAMES = {
    "tr": ("Yılmaz", "Öztürk", "Çelik", "Şahin", "Doğan", "Kılıç", "Aydın", "Koç", "Arslan", "Yıldız",
           "Erdoğan", "Güneş", "Kaya", "Demir", "Aksoy", "Polat", "Özdemir", "Çakır", "Güler", "Türkmen"),
    "de": ("Müller", "Schäfer", "Weiß", "Becker", "Groß", "Hoffmann", "Köhler", "Krüger", "Schröder", "Fischer",
           "Wagner", "Vogel", "Weber", "Schmitt", "Lange", "Böhm", "Hartmann", "Jäger", "Möller", "Bäcker"),
    "en": ("Carter", "O'Connor", "Patel", "Smith", "Brooks", "Johnson", "Chen", "Wright", "Wilson", "Liu",
           "Murphy", "Evans", "Khan", "Taylor", "Hughes", "Walker", "Robinson", "Nguyen", "Campbell", "Reed"),
}  # fmt: skip
MAIL_DOMAINS = {
    "tr": ("posta.example", "hotmail.example", "yandex.example", "ttmail.example"),
    "de": ("gmx.example", "web.example", "t-online.example", "posteo.example"),
    "en": ("gmail.example", "outlook.example", "icloud.example", "btinternet.example"),
}
COMPANY = {
    "en": "Bloom & Weave Ltd",
    "tr": "Yıldız Ev Tekstili Ltd. Şti.",
    "de": "Müller Raumausstattung GmbH",
}
TOPIC_TAGS = {"where": ("shipping",), "refund": ("refund",), "return": ("return",), "size": ("wrong-size", "return"),
              "damaged": ("damaged",), "cancel": ("cancellation",), "invoice": ("invoice",)}  # fmt: skip
FOLLOWUP_KIND = {"where": "where", "refund": "refund", "return": "label", "size": "label"}
AMAZON_KIND = {
    "where": "where",
    "refund": "return",
    "return": "return",
    "size": "return",
    "damaged": "return",
}

# --- the words ----------------------------------------------------------------------------------

AMAZON_SUBJECTS = {
    "en": {"where": "Shipping inquiry from Amazon customer {name} (Order: {order})",
           "return": "Return request from Amazon customer {name} (Order: {order})",
           "other": "Question about your item (Order: {order})"},
    "de": {"where": "Lieferanfrage von Amazon-Kunde {name} (Bestellung: {order})",
           "return": "Rücksendeanfrage von Amazon-Kunde {name} (Bestellung: {order})",
           "other": "Frage zu Ihrem Artikel (Bestellung: {order})"},
    "tr": {"where": "Amazon müşterisi {name} teslimatı soruyor (Sipariş: {order})",
           "return": "Amazon müşterisi {name} iade talep ediyor (Sipariş: {order})",
           "other": "Ürününüz hakkında soru (Sipariş: {order})"},
}  # fmt: skip
AMAZON_WRAP = {
    "en": ("------------- Message: -------------", "------------- End message -------------", "Order ID", "Item"),
    "de": ("------------- Nachricht: -------------", "------------- Ende der Nachricht -------------", "Bestellnummer", "Artikel"),
    "tr": ("------------- Mesaj: -------------", "------------- Mesaj sonu -------------", "Sipariş numarası", "Ürün"),
}  # fmt: skip
EBAY_WRAP = {
    "en": ("Other: {user} sent a message about {item_en} #{itemno}",
           "New message from: {user} ({feedback})\n\n{text}\n\nOrder number: {order}\nItem: {item_en} ({itemno})\n\n"
           "Other eBay user messages are sent through eBay. Reply to this email or respond in My eBay > Messages."),
    "de": ("Andere: {user} hat eine Nachricht zu {item} #{itemno} gesendet",
           "Neue Nachricht von: {user} ({feedback})\n\n{text}\n\nBestellnummer: {order}\nArtikel: {item} ({itemno})\n\n"
           "Nachrichten anderer eBay-Mitglieder werden über eBay gesendet. Antworten Sie auf diese E-Mail oder in Mein eBay > Nachrichten."),
}  # fmt: skip
EBAY_NOTICE = {
    "en": ("Return request opened: {item_en}",
           "{user} has opened a return request.\n\nOrder number: {order}\nItem: {item_en}\nReason: Doesn't fit\n\n"
           "Please respond within 3 business days. If you don't, the buyer can ask eBay to step in."),
    "de": ("Rückgabeanfrage eröffnet: {item}",
           "{user} hat eine Rückgabe angefragt.\n\nBestellnummer: {order}\nArtikel: {item}\nGrund: Passt nicht\n\n"
           "Bitte antworten Sie innerhalb von 3 Werktagen, sonst kann der Käufer eBay um Hilfe bitten."),
}  # fmt: skip
SHOPIFY_FORM = ("You received a new message from your online store's contact form.\n\nCountry Code: {country}\n"
                "Name: {name}\nEmail: {email}\nPhone Number:\n\nBody:\n{text}\n")  # fmt: skip
SIGNATURE = {"en": "Best regards,\nDeniz\nAnatolia Textiles", "tr": "Saygılarımla,\nDeniz\nAnatolia Textiles",
             "de": "Viele Grüße\nDeniz\nAnatolia Textiles"}  # fmt: skip

OPENERS = {
    "where": {
        "en": [("Where is my order?", "Hi,\n\nI ordered the {item} on {placed} (order {order}) and it still hasn't arrived. The tracking hasn't moved for days. Can you check what is going on?\n\nThanks,\n{first}"),
               ("Order {order} not arrived yet", "Hello,\n\nmy order {order} was supposed to arrive last week but nothing so far. Could you tell me where it is?\n\nBest,\n{first}"),
               ("Tracking not updating", "Hi there,\n\nthe tracking for my {item} has said 'in transit' for 6 days now. Is it lost?\n\n{first}")],
        "tr": [("Siparişim nerede?", "Merhaba,\n\n{placed} tarihinde {item} sipariş ettim (sipariş no: {order}) ama hâlâ elime ulaşmadı. Kargo takibi de günlerdir değişmiyor. Yardımcı olabilir misiniz?\n\nTeşekkürler,\n{first}"),
               ("Kargom hâlâ gelmedi", "İyi günler,\n\n{order} numaralı siparişim bir haftadır yolda görünüyor. Ne zaman teslim edilir?\n\n{first}"),
               ("Sipariş {order} ne zaman gelir?", "Merhaba, siparişimin durumunu öğrenebilir miyim? Çarşamba günü gelmesi gerekiyordu.\n\nİyi çalışmalar,\n{first}")],
        "de": [("Wo ist meine Bestellung?", "Hallo,\n\nich habe am {placed} {item} bestellt (Bestellung {order}), aber bisher ist nichts angekommen. Die Sendungsverfolgung zeigt seit Tagen keinen Fortschritt. Können Sie nachsehen?\n\nViele Grüße\n{first}"),
               ("Lieferung noch nicht angekommen", "Guten Tag,\n\nmeine Bestellung {order} sollte letzte Woche ankommen. Wissen Sie, wo das Paket ist?\n\nGrüße\n{first}"),
               ("Sendungsverfolgung zeigt nichts", "Hallo,\n\nseit fünf Tagen steht bei meinem Paket nur „in Zustellung“. Ist es verloren gegangen?\n\n{first}")],
    },
    "refund": {
        "en": [("Refund request", "Hi,\n\nI sent the {item} back on Monday. When can I expect my refund?\n\n{first}"),
               ("Still waiting for my refund", "Hello,\n\nit's been two weeks since you received my return for order {order}. I still haven't got the money back. Please check.\n\n{first}")],
        "tr": [("İade talebi", "Merhaba,\n\n{item} ürününü geri gönderdim. Param ne zaman iade edilecek?\n\nSaygılarımla,\n{first}"),
               ("Param ne zaman iade edilecek?", "Merhaba,\n\niadem iki hafta önce size ulaştı ama ödeme hâlâ hesabıma geçmedi. Kontrol edebilir misiniz?\n\n{first}")],
        "de": [("Rückerstattung", "Hallo,\n\nich habe {item} zurückgeschickt. Wann bekomme ich mein Geld zurück?\n\nMit freundlichen Grüßen\n{first}"),
               ("Erstattung für Bestellung {order} fehlt", "Guten Tag,\n\nmeine Rücksendung ist seit zwei Wochen bei Ihnen, die Erstattung fehlt aber noch. Bitte prüfen Sie das.\n\n{first}")],
    },
    "return": {
        "en": [("Return label please", "Hi there,\n\nI'd like to return the {item} from order {order}. Could you send me a return label?\n\nThank you,\n{first}"),
               ("How do I return this?", "Hello,\n\nthe colour of the {item} doesn't match our bathroom. How can I send it back?\n\n{first}")],
        "tr": [("İade etiketi gönderebilir misiniz?", "Merhaba,\n\n{order} numaralı siparişteki {item} ürününü iade etmek istiyorum. İade etiketi gönderebilir misiniz?\n\nTeşekkür ederim,\n{first}"),
               ("Ürünü nasıl iade ederim?", "Merhaba,\n\n{item} rengi beklediğim gibi çıkmadı. İade için ne yapmam gerekiyor?\n\n{first}")],
        "de": [("Rücksendung", "Hallo,\n\nich möchte {item} aus Bestellung {order} zurücksenden. Können Sie mir ein Rücksendeetikett schicken?\n\nDanke und Grüße\n{first}"),
               ("Rücksendeetikett benötigt", "Guten Tag,\n\ndie Farbe passt leider nicht zu unserem Bad. Wie kann ich {item} zurückschicken?\n\n{first}")],
    },
    "size": {
        "en": [("Wrong size received", "Hello,\n\nI ordered the {item} but received the wrong size. Can I exchange it for size {size}?\n\n{first}"),
               ("Exchange for a bigger size", "Hi,\n\nthe {item} is too small. Could I swap it for size {size}?\n\nThanks,\n{first}")],
        "tr": [("Yanlış beden geldi", "Merhaba,\n\n{item} sipariş ettim ama yanlış beden geldi. {size} beden ile değiştirebilir miyiz?\n\n{first}"),
               ("Beden değişimi", "Merhaba,\n\n{item} küçük geldi. {size} bedenle değişim yapabilir miyim?\n\nTeşekkürler,\n{first}")],
        "de": [("Falsche Größe", "Hallo,\n\nich habe {item} bestellt, aber die falsche Größe bekommen. Kann ich es gegen Größe {size} umtauschen?\n\n{first}"),
               ("Umtausch Größe {size}", "Guten Tag,\n\n{item} ist mir zu klein. Ist ein Umtausch in Größe {size} möglich?\n\nGrüße\n{first}")],
    },
    "damaged": {
        "en": [("Item arrived damaged", "Hi,\n\nthe {item} arrived today with a tear along the edge. What can we do?\n\n{first}"),
               ("Broken parcel", "Hello,\n\nthe parcel for order {order} was crushed and the {item} has a stain. Photo attached if it came through.\n\n{first}")],
        "tr": [("Ürün hasarlı geldi", "Merhaba,\n\n{item} bugün elime ulaştı ama kenarı yırtık. Ne yapabiliriz?\n\n{first}"),
               ("Paket ezik geldi", "Merhaba,\n\n{order} numaralı siparişin kolisi ezilmiş, ürün de lekeli. Fotoğrafını ekledim.\n\n{first}")],
        "de": [("Artikel beschädigt angekommen", "Guten Tag,\n\n{item} ist heute angekommen, leider ist der Stoff an einer Stelle gerissen. Wie gehen wir vor?\n\n{first}"),
               ("Paket beschädigt", "Hallo,\n\ndas Paket zu Bestellung {order} war eingedrückt und {item} hat einen Fleck. Foto anbei.\n\n{first}")],
    },
    "cancel": {
        "en": [("Please cancel my order", "Hi,\n\nI placed order {order} by mistake an hour ago. Please cancel it before it ships.\n\nSorry!\n{first}")],
        "tr": [("Siparişimi iptal etmek istiyorum", "Merhaba,\n\n{order} numaralı siparişi yanlışlıkla verdim. Kargoya verilmeden iptal edebilir misiniz?\n\nİyi çalışmalar,\n{first}")],
        "de": [("Bitte Bestellung stornieren", "Hallo,\n\nbitte stornieren Sie meine Bestellung {order}, ich habe versehentlich doppelt bestellt.\n\nDanke!\n{first}")],
    },
    "invoice": {
        "en": [("Invoice request for order {order}", "Hello,\n\ncould you send me a VAT invoice for order {order}? I need it for my company, {company}.\n\nKind regards,\n{first}")],
        "tr": [("Fatura talebi", "Merhaba,\n\n{order} numaralı siparişim için kurumsal fatura rica ediyorum. Şirket: {company}.\n\nSaygılarımla,\n{first}")],
        "de": [("Rechnung benötigt", "Guten Tag,\n\nkönnten Sie mir bitte eine Rechnung mit ausgewiesener MwSt. für Bestellung {order} schicken? Firma: {company}.\n\nMit freundlichen Grüßen\n{first}")],
    },
    "thanks": {
        "en": [("Thank you!", "Hi,\n\njust wanted to say the {item} is beautiful. Lovely quality, I will order again!\n\n{first}")],
        "tr": [("Teşekkürler!", "Merhaba,\n\n{item} çok güzel, kalitesi harika. Tekrar sipariş vereceğim!\n\nSevgiler,\n{first}")],
        "de": [("Vielen Dank!", "Hallo,\n\n{item} ist wunderschön, tolle Qualität. Ich bestelle bestimmt wieder!\n\nLiebe Grüße\n{first}")],
    },
    "question": {
        "en": [("Question about the {item}", "Hello,\n\nis the {item} 100% cotton? And does it shrink in the wash?\n\nThanks,\n{first}"),
               ("Do you ship to Canada?", "Hi,\n\ndo you ship to Canada, and how long does it take?\n\n{first}")],
        "tr": [("{item} hakkında soru", "Merhaba,\n\n{item} %100 pamuk mu? Yıkamada çeker mi?\n\nTeşekkürler,\n{first}"),
               ("Yurt dışına gönderim yapıyor musunuz?", "Merhaba,\n\nAlmanya'ya gönderim yapıyor musunuz? Kargo ücreti ne kadar?\n\n{first}")],
        "de": [("Frage zu {item}", "Hallo,\n\nist {item} aus 100 % Baumwolle? Läuft es beim Waschen ein?\n\nDanke\n{first}"),
               ("Versand in die Schweiz möglich?", "Hallo,\n\nliefern Sie auch in die Schweiz? Wie hoch sind die Versandkosten?\n\n{first}")],
    },
}  # fmt: skip

REPLIES = {
    "where": {
        "en": ["Hi {first},\n\nthank you for your message. Your order {order} left our workshop on {shipped} with {carrier}. The tracking number is {tracking}:\n{url}\n\nIt should be with you within 2-3 working days. If not, just reply and I will open a claim with {carrier}."],
        "tr": ["Merhaba {first},\n\nmesajınız için teşekkürler. {order} numaralı siparişiniz {shipped} tarihinde {carrier} ile kargoya verildi. Takip numarası: {tracking}\n{url}\n\n2-3 iş günü içinde elinizde olur. Gelmezse bu e-postaya cevap verin, kargo firmasıyla hemen ilgileneyim."],
        "de": ["Hallo {first},\n\nvielen Dank für Ihre Nachricht. Ihre Bestellung {order} wurde am {shipped} mit {carrier} verschickt. Die Sendungsnummer lautet {tracking}:\n{url}\n\nDas Paket sollte in 2-3 Werktagen bei Ihnen sein. Falls nicht, antworten Sie einfach, dann stelle ich einen Nachforschungsauftrag."],
    },
    "refund": {
        "en": ["Hi {first},\n\nyour return arrived and I have issued the refund of {total} today. Depending on your bank it takes 3-5 working days to show up."],
        "tr": ["Merhaba {first},\n\niadeniz bize ulaştı, {total} tutarındaki ödemenizi bugün iade ettik. Bankanıza bağlı olarak 3-5 iş günü içinde hesabınıza yansır."],
        "de": ["Hallo {first},\n\nIhre Rücksendung ist angekommen und ich habe heute {total} erstattet. Je nach Bank dauert es 3-5 Werktage, bis der Betrag auf Ihrem Konto erscheint."],
    },
    "return": {
        "en": ["Hi {first},\n\nof course. Here is your prepaid return label:\n{label}\n\nPlease use the original packaging if you still have it. The refund follows as soon as the parcel arrives."],
        "tr": ["Merhaba {first},\n\ntabii ki. Ücretsiz iade etiketiniz burada:\n{label}\n\nMümkünse orijinal ambalajı kullanın. Paket bize ulaşınca ödemeniz iade edilir."],
        "de": ["Hallo {first},\n\nselbstverständlich. Hier ist Ihr kostenloses Rücksendeetikett:\n{label}\n\nBitte verwenden Sie nach Möglichkeit die Originalverpackung. Die Erstattung folgt, sobald das Paket bei uns ist."],
    },
    "size": {
        "en": ["Hi {first},\n\nI'm so sorry for the mix-up! Please send the item back with this free return label and I will ship size {size} the day it arrives:\n{label}"],
        "tr": ["Merhaba {first},\n\nkarışıklık için çok özür dilerim! Ürünü bu ücretsiz etiketle geri gönderin, {size} bedeni aynı gün kargoya veriyorum:\n{label}"],
        "de": ["Hallo {first},\n\ndas tut mir sehr leid! Schicken Sie den Artikel bitte mit diesem kostenlosen Etikett zurück, ich versende Größe {size} noch am selben Tag:\n{label}"],
    },
    "damaged": {
        "en": ["Hi {first},\n\nI'm very sorry the {item} arrived damaged. I've sent a replacement today, no need to return the damaged one."],
        "tr": ["Merhaba {first},\n\n{item} hasarlı geldiği için çok üzgünüm. Bugün yenisini gönderdim, hasarlı ürünü geri göndermenize gerek yok."],
        "de": ["Hallo {first},\n\nes tut mir sehr leid, dass {item} beschädigt angekommen ist. Ich habe heute Ersatz verschickt, den beschädigten Artikel müssen Sie nicht zurückschicken."],
    },
    "cancel": {
        "en": ["Hi {first},\n\ndone: order {order} is cancelled and the full amount of {total} is on its way back to you."],
        "tr": ["Merhaba {first},\n\n{order} numaralı siparişiniz iptal edildi, {total} tutarın tamamı iade ediliyor."],
        "de": ["Hallo {first},\n\nerledigt: Bestellung {order} ist storniert, der volle Betrag von {total} wird Ihnen erstattet."],
    },
    "invoice": {
        "en": ["Hi {first},\n\nplease find the invoice for order {order} attached."],
        "tr": ["Merhaba {first},\n\n{order} numaralı siparişinizin faturası ektedir."],
        "de": ["Hallo {first},\n\nanbei die Rechnung zu Bestellung {order}."],
    },
    "thanks": {
        "en": ["Thank you so much, {first}! Messages like yours make our week. Enjoy the {item}!"],
        "tr": ["Çok teşekkür ederiz {first}! Böyle mesajlar günümüzü güzelleştiriyor. {item} ürününü güzel günlerde kullanın!"],
        "de": ["Herzlichen Dank, {first}! Über solche Nachrichten freuen wir uns sehr. Viel Freude mit {item}!"],
    },
    "question": {
        "en": ["Hi {first},\n\nyes, it is woven from 100% Turkish cotton in Denizli. It shrinks about 3% in the first wash at 40 degrees, so we cut it slightly larger. We ship worldwide; most countries get it within 5-8 working days."],
        "tr": ["Merhaba {first},\n\nevet, %100 Denizli pamuğundan dokunuyor. 40 derecede ilk yıkamada yaklaşık %3 çeker, bu yüzden biraz büyük kesiyoruz. Dünyanın her yerine gönderim yapıyoruz; çoğu ülkeye 5-8 iş gününde ulaşıyor."],
        "de": ["Hallo {first},\n\nja, es ist aus 100 % türkischer Baumwolle aus Denizli gewebt. Bei der ersten Wäsche mit 40 Grad läuft es etwa 3 % ein, deshalb schneiden wir es etwas größer zu. Wir liefern weltweit; in die meisten Länder dauert es 5-8 Werktage."],
    },
}  # fmt: skip

SELLER_FOLLOWUPS = {
    "en": ["Hi {first},\n\nI checked with {carrier}: the parcel is at your local depot and should be delivered tomorrow.",
           "Hi {first},\n\njust a quick update: this has been sorted on our side. Let me know if there is anything else.",
           "Hi {first},\n\nthanks for your patience. I've asked the warehouse to check and will get back to you by tomorrow."],
    "tr": ["Merhaba {first},\n\n{carrier} ile görüştüm: paket dağıtım şubesinde, yarın teslim edilecek.",
           "Merhaba {first},\n\nkısa bir bilgi: bizim tarafımızda her şey halloldu. Başka bir konuda yardımcı olabilirsem yazın.",
           "Merhaba {first},\n\nsabrınız için teşekkürler. Depoya sordum, yarına kadar size dönüş yapacağım."],
    "de": ["Hallo {first},\n\nich habe bei {carrier} nachgefragt: Das Paket liegt in Ihrem Zustelldepot und wird morgen zugestellt.",
           "Hallo {first},\n\nkurzes Update: Das ist bei uns erledigt. Melden Sie sich gern, falls noch etwas ist.",
           "Hallo {first},\n\ndanke für Ihre Geduld. Ich habe im Lager nachgefragt und melde mich bis morgen."],
}  # fmt: skip
FOLLOWUPS = {
    "where": {"en": ["Hi, the tracking still shows no update. Can you check again please?\n\n{first}"],
              "tr": ["Merhaba, kargo takibi hâlâ güncellenmedi. Tekrar kontrol edebilir misiniz?\n\n{first}"],
              "de": ["Hallo, die Sendungsverfolgung zeigt immer noch nichts Neues. Können Sie bitte nochmal nachsehen?\n\n{first}"]},
    "refund": {"en": ["I still haven't received the refund. Could you check?\n\n{first}"],
               "tr": ["Ödeme hâlâ hesabıma geçmedi. Kontrol eder misiniz?\n\n{first}"],
               "de": ["Die Erstattung ist bei mir noch nicht eingegangen. Können Sie das prüfen?\n\n{first}"]},
    "label": {"en": ["Sorry, the link doesn't work for me. Can you send the label as a PDF?\n\n{first}"],
              "tr": ["Bağlantı açılmıyor, etiketi PDF olarak gönderebilir misiniz?\n\n{first}"],
              "de": ["Der Link funktioniert bei mir nicht. Können Sie mir das Etikett als PDF schicken?\n\n{first}"]},
    "other": {"en": ["Thanks! One more question: do you have the same item in another colour?\n\n{first}"],
              "tr": ["Teşekkürler! Bir sorum daha var: aynı ürünün başka rengi var mı?\n\n{first}"],
              "de": ["Danke! Noch eine Frage: Gibt es den Artikel auch in einer anderen Farbe?\n\n{first}"]},
}  # fmt: skip
THANKS = {
    "en": ["Got it, thank you so much for the quick help!\n\n{first}", "Parcel arrived today, all perfect. Thanks!\n\n{first}"],
    "tr": ["Tamamdır, hızlı yardımınız için çok teşekkür ederim!\n\n{first}", "Paket bugün geldi, her şey mükemmel. Teşekkürler!\n\n{first}"],
    "de": ["Alles klar, vielen Dank für die schnelle Hilfe!\n\n{first}", "Paket ist heute angekommen, alles bestens. Danke!\n\n{first}"],
}  # fmt: skip
NUDGES = {
    "en": ["Hello? I wrote {days} days ago and haven't heard back. Please reply.\n\n{first}"],
    "tr": ["Merhaba, {days} gün önce yazdım ama hâlâ cevap alamadım. Lütfen dönüş yapın.\n\n{first}"],
    "de": ["Hallo? Ich habe vor {days} Tagen geschrieben und noch keine Antwort bekommen. Bitte melden Sie sich.\n\n{first}"],
}  # fmt: skip
