"""What the template suggester (suggest.py) knows of its own, in English, German and Turkish:
words that say nothing about a topic, negations, how customers chase an answer, order states.

Every word is written folded, the way suggest.py compares them: lower case, accents dropped
(ı → i, ß → ss), so a customer who types "lutfen" or "Rueckerstattung" is read the same.
"""

from __future__ import annotations

import re


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


STOP_WORDS = _words(
    # English
    "the a an and or but is are was were be been being am im i me my mine myself you your yours"
    " we us our it its this that these those he she they them their his her to of in on at for"
    " with from by as about into so if then than just also very really can could would should"
    " will shall may might must do does did done has have had get got getting please pls plz hi"
    " hello hey dear regards best kind cheers sir madam there here what when how why who which"
    " any some all one yet still again ok okay yes ive id ll re ve lol xx oh sorry know let like"
    " want wanted need needed wondering tell check help thing things way much many more well"
    " now soon today mr mrs ms"
    # German
    " der die das den dem des ein eine einen einem einer und oder aber ich mich mir mein meine"
    " meinen meinem meiner du dich dir dein deine sie ihr ihre ihnen ihren ihrer wir uns unser"
    " unsere es er ist sind war waren bin bist hat habe hab haben hatte hatten wird werden wurde"
    " kann kannst konnen koennen konnten koennten mochte moechte mochten wurde wuerde wurden"
    " bitte hallo guten tag lieber viele gruse gruesse gruss gruß freundlichen mit von zu"
    " zum zur im in an am auf fur fuer aus bei nach vor uber ueber um so auch noch schon nur"
    " sehr mal ja wie was wann warum wer welche welcher dass da dann denn wenn ob als sich sein"
    " seit gerne gern leider einfach eigentlich jetzt hier dies diese dieser diesen geehrte"
    " geehrter damen herren lg vg mfg sg etwas was gibt gibts geht"
    # Turkish
    " ve bir bu su o da de ki mi mu ne icin ile ama fakat cok daha en gibi kadar olarak olan"
    " var ben beni bana benim siz sizi sizin biz bize bizim merhaba selam iyi gunler"
    " gunaydin lutfen rica ederim saygilarimla saygilar calismalar acaba sey zaman hala artik"
    " sadece tamam evet olur misiniz musunuz miyim muyum misin musun mi mu"
    " yapabilir nasil neden hangi sizden simdi"
)
# A line a marketplace puts around the buyer's words ("You received a new message from your
# online store's contact form", "Reply to this message on Etsy"): nothing the buyer said.
RELAY_LINE = re.compile(
    r"(?:ebay|etsy|amazon|shopify|online store|online-shop).*(?:message|nachricht|mesaj)"
    r"|(?:message|nachricht|mesaj).*(?:ebay|etsy|amazon|shopify|online store|online-shop)"
)
NEGATIONS = _words("not no never nothing nor nicht kein keine keinen keiner nie nichts yok degil")

# A customer chasing an answer says so; these words are about chasing, not about the topic
# ("I haven't heard back" is no return), so they are read as a follow-up and then left out.
NUDGES = tuple(
    re.compile(p)
    for p in (
        r"\b(?:i )?(?:wrote|emailed|messaged|contacted|asked)(?: to)?(?: you)?(?: \w+){0,3}"
        r" (?:days?|weeks?|hours?) ago\b",
        r"\b(?:i )?(?:wrote|emailed|messaged) (?:you )?(?:last|on|yesterday)\b(?: \w+)?",
        r"\b(?:have ?n[o']?t|not|never|no[t]?) (?:heard|had|got|received)"
        r" (?:back|an? (?:answer|reply|response)|any (?:answer|reply|response))",
        r"\b(?:got|had|received) no (?:answer|reply|response)\b",
        r"\bno (?:reply|answer|response)(?: yet)?\b",
        r"\bstill waiting(?: for (?:a|an|your) (?:reply|answer|response))?\b",
        r"\bany (?:update|news)\b",
        r"\b(?:hello|hi|hallo|merhaba)\s*\?+",
        r"\bfollowing up\b",
        r"\b(?:get|come) back to me\b",
        r"\bplease (?:reply|respond|answer)\b",
        r"\b(?:ich )?(?:habe|hatte|hab) (?:ihnen )?(?:\w+ ){0,4}geschrieben\b",
        r"\b(?:noch )?keine (?:antwort|ruckmeldung|rueckmeldung)\b(?: (?:bekommen|erhalten))?",
        r"\bwarte (?:immer )?noch\b",
        r"\bimmer noch nichts\b",
        r"\b(?:gibt es|gibts) (?:schon )?(?:was |etwas )?neue?s\b",
        r"\bneuigkeiten\b",
        r"\b(?:bitte )?melden sie sich\b",
        r"\b\w+ (?:gun|hafta) once yazdim\b",
        r"\byazmistim\b",
        r"\b(?:hala |hic )?(?:bir )?cevap (?:alamadim|gelmedi|yok|vermediniz)\b",
        r"\bdonus (?:yapin|yapar misiniz|yok|yapmadiniz|yapabilir mi)\b",
        r"\bhala (?:bir )?haber yok\b",
        r"\bhala (?:cevap )?bekliyorum\b",
        r"\b(?:bir )?gelisme var mi\b",
    )
)

# A question asked before buying, or a new one after the last ("one more question: …"):
# no template answers it, unless its words say so clearly ("do you have a return label?").
ASKING = tuple(
    re.compile(p)
    for p in (
        r"\bdo you (?:have|ship|sell|make|offer|deliver|send|accept|take|do)\b",
        r"\b(?:is|are) (?:it|this|they|these|the \w+) (?:still )?"
        r"(?:available|in stock|made of|\d+ ?%)",
        r"\b(?:in stock|wholesale|custom made|custom size|bulk order|discount code|coupon)\b",
        r"\b(?:how much|would you accept|if i order|before i (?:order|buy)|difference between)\b",
        r"\bcan i (?:pay|buy|collect|pick)\b",
        r"\b(?:one more|another|quick|general) question\b",
        r"\bgibt es (?:\w+ ){0,3}(?:auch|noch)\b",
        r"\b(?:liefern|versenden|verschicken) sie (?:auch )?(?:nach|in|ins)\b",
        r"\b(?:auf lager|verfugbar|mengenrabatt|rabattcode|rabatt|gutschein|sonderanfertigung)\b",
        r"\b(?:wenn ich (?:heute |jetzt )?bestelle|was kostet|unterschied zwischen)\b",
        r"\bkann ich (?:per|mit|auch) \w+ (?:zahlen|bezahlen)\b",
        r"\bnoch eine frage\b",
        r"\b(?:\w+ )?var mi\b(?!.*\b(?:hasar|iade|kargo|siparis))",
        r"\b(?:yapiyor|gonderiyor|satiyor) musunuz\b",
        r"\b(?:stokta|toptan|ozel olcu|ozel siparis|indirim kodu|indirim|fiyat)\b",
        r"\b(?:siparis versem|ne kadar|arasindaki fark|kac derece)\b",
        r"\bbir sorum (?:daha )?var\b",
        # requests no shipped template answers: a new address, gift wrapping, paying, proposals
        r"\bchange (?:my|the) (?:delivery |shipping )?address\b",
        r"\b(?:liefer)?adresse (?:an|ab)?andern\b",
        r"\blieferadresse\b|\badres\w* (?:\w+ ){0,6}(?:degistir|guncelle)",
        r"\bgift ?wrap|\bals geschenk verpack|\bgeschenkverpackung|\bhediye paket",
        r"\bcheckout\b|\b(?:an der )?kasse\b|\bodeme sayfasi\b|\bhavale\b|\bkapida odeme\b",
        r"\b(?:collaboration|partnership|influencer|seo|kooperation|zusammenarbeit|is birligi)\b",
        r"\bcombine (?:postage|shipping)\b|\bversandkosten kombinieren\b|\bif i (?:order|buy)\b",
        r"\bwenn ich (?:\w+ ){0,3}(?:bestelle|kaufe)\b|\b(?:alirsam|alsam)\b",
        r"\bgift (?:card|voucher|certificate)\b|\bvoucher\b|\bgeschenkgutschein|\bhediye ceki",
        r"\b(?:stock|sell|resell) your\b|\b(?:stockist|retailer|reseller|boutique)s?\b",
        r"\bwiederverkauf|\bhandler\b|\b(?:ihre|eure) \w+ verkaufen\b|\bbayilik|\bbutik\b",
        r"\bsatabilir miyiz\b",
    )
)

# Order statuses as the shops report them (Shopify, WooCommerce, eBay, Amazon; words as
# order_fields.status_label makes them) → one of suggest.ORDER_STATES.
ORDER_STATUSES = {
    **dict.fromkeys(
        (
            "unshipped", "unfulfilled", "not started", "pending", "paid", "processing",
            "on hold", "awaiting shipment", "pending availability", "scheduled", "open",
            "in progress", "authorized", "partially paid", "invoice unconfirmed",
        ),
        "unshipped",
    ),
    **dict.fromkeys(
        (
            "shipped", "fulfilled", "partially shipped", "partially fulfilled", "in transit",
            "dispatched", "completed", "out for delivery", "sent",
        ),
        "shipped",
    ),
    "delivered": "delivered",
    **dict.fromkeys(("refunded", "partially refunded", "returned"), "refunded"),
    **dict.fromkeys(("cancelled", "canceled", "voided", "unfulfillable"), "cancelled"),
}  # fmt: skip

# How likely a topic (by its template's first tag) is for an order in each state, relative
# to not knowing the order: nobody reports a damaged item that has not left the workshop.
ORDER_FIT: dict[str, dict[str, float]] = {
    "unshipped": {"shipping": 1.3, "cancellation": 1.4, "damaged": 0.3, "exchange": 0.4,
                  "return": 0.5, "refund": 0.8},
    "shipped": {"cancellation": 0.8},
    "delivered": {"shipping": 0.8, "cancellation": 0.5, "damaged": 1.2, "exchange": 1.2,
                  "return": 1.2},
    "refunded": {"refund": 1.6, "shipping": 0.7, "cancellation": 0.8},
    "cancelled": {"refund": 1.4, "cancellation": 1.3, "shipping": 0.7},
}  # fmt: skip

# What a customer who chases without saying what about most likely waits for, by order state
# ("" no order known): the parcel, or the money.
FOLLOW_UP_TOPIC = {
    "": "shipping",
    "unshipped": "shipping",
    "shipped": "shipping",
    "refunded": "refund",
    "cancelled": "refund",
}

# Letters only one of the languages has, and its most common short words (folded).
LANGUAGE_HINTS: dict[str, tuple[str, frozenset[str]]] = {
    "tr": (
        "ğışİıç",
        _words(
            "ve bir bu mi mu ne nerede nerde icin merhaba siparisim siparis lutfen tesekkurler"
            " tesekkur ederim misiniz hala gelmedi kargo urun iade selam"
        ),
    ),
    "de": (
        "äß",
        _words(
            "ich und die der das nicht habe hab mein meine bitte ist wo hallo danke guten"
            " bestellung noch schon leider sie ihnen konnen koennen"
        ),
    ),
    "en": (
        "",
        _words("the and is my it was not please where hello thanks you have order hi can would"),
    ),
}
