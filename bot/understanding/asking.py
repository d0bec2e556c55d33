"""Whether a sentence asks, with or without its question mark.

People writing e-mail often leave the mark off: "Hvor ligger hotellet", "Inden jeg tilmelder
mig, vil jeg gerne vide om der er niveaufri adgang", "I'd like to know whether there is a loop".
A sentence asks when it ends with "?", begins with a question word or with a verb before its
subject ("har I …", "is there …"), or says that it asks ("vil gerne vide om", "jeg spørger om",
"om der er …", "I wonder if"), wherever that stands in the sentence. One rule for the mail
decision and the needs reader, so both call the same sentences questions.
"""

from __future__ import annotations

import re

from bot.understanding.text import skeleton

# On folded text (``skeleton``: æ/ø/å as a/o/a, lower case).
_FIRST = re.compile(
    r"^(?:hvornar|hvor|hvem|hvad|hvilk\w*|hvordan|hvorfor|when|where|who|what|which|how|why)\b"
    r"|^(?:kan|ma|skal|er|bliver|far|findes|galder|vil|har|kommer|gar|is|are|do|does|will"
    r"|should|could|can|may|must)\s+(?:jeg|man|vi|i|du|der|det|den|de|you|there|it|we|they)\b"
    r"|^om\s+(?:der|man|jeg|i|det|vi)\b"
)
# Saying that one asks: a wish to know, or "om"/"whether" after a verb of asking or knowing.
_SAYS_IT_ASKS = re.compile(
    r"\b(?:vide|hore|sporge|sporger|undrer mig)[,\s]+(?:\w+[,\s]+)?(?:om|hvor\w*|hvad|hvilk\w*"
    r"|hvem)\b"
    r"|\b(?:know|ask|asking|wonder\w*|find out|let me know|tell me)[,\s]+(?:\w+[,\s]+)?(?:if"
    r"|whether|what|where|when|how|which|who)\b"
)


def asks(sentence: str) -> bool:
    """Whether a sentence is a question, with its mark or without."""
    text = sentence.strip()
    if text.endswith("?"):
        return True
    folded = skeleton(text.casefold())
    return bool(_FIRST.match(folded) or _SAYS_IT_ASKS.search(folded))
