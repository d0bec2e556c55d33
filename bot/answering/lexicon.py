"""Function words of a question, Danish first: the words that are *how* it is asked, not *what*.

The kind of question is learned by the classifier (``bot/understanding``), not from these lists.
They serve the analysis of what a question names: question words ("hvornår" asks when), times and
days ("i morgen", "nu"), the kinds of programme item ("frokost" is a meal), the parts people play
("ordstyrer"), and the filler and cue words that are never the name of a thing, so that what is
left of a question is what it names (an item, a person, a fact) to be matched in the knowledge.
Words are written in their plain forms; the analyser canonicalises and stems them the same way as
questions, so inflections and typos are recognised too.
"""

from __future__ import annotations

from bot.knowledge.schema import ItemKind

# Intent -> cue words (single words, any language). Scored per distinct cue found.
CUES: dict[str, tuple[str, ...]] = {
    "signup": (
        "tilmeld", "tilmelde", "tilmelder", "tilmelding", "tilmeldes", "tilmeldt", "deltage",
        "deltager", "tilmelder", "register", "registration", "signup", "sign", "enrol", "enroll",
        "attend", "join", "ja",
    ),
    "cancel": (
        "afmeld", "afmelde", "afmelder", "afmelding", "afbud", "framelde", "framelding", "aflyse",
        "annullere", "fortryde", "forhindret", "forhindres", "forfald", "cancel", "cancellation",
        "unregister", "withdraw",
    ),
    "deadline": (
        "frist", "fristen", "tilmeldingsfrist", "tilmeldingsfristen", "senest", "sent",
        "deadline", "late", "latest", "last", "stadig", "endnu", "nå", "lukker", "lukket",
        "overskredet", "overskrevet", "udløbet", "udløber",
    ),
    "date": ("dato", "datoen", "ugedag", "date"),
    "start": (
        "starter", "start", "starte", "begynder", "begynde", "begyndelse", "åbner", "starts",
        "starttid", "starttidspunkt", "starttidspunktet",
        "begin", "begins", "open", "opens",
    ),
    "end": (
        "slutter", "slut", "slutte", "ender", "færdig", "færdige", "hjem", "afslutning",
        "sluttid", "sluttidspunkt",
        "afsluttes", "end", "ends", "finish", "finishes", "over", "home",
    ),
    "arrival": (
        "ankomst", "ankomme", "ankommer", "møde", "mødes", "mødetid", "dørene", "arrive",
        "arrival", "check",
    ),
    "venue": (
        "hvor", "sted", "stedet", "adresse", "adressen", "afholdes", "foregår",
        "lokation", "lokale", "placering", "beliggenhed", "online", "virtuel", "virtuelt",
        "digitalt", "link", "linket", "where", "venue", "place", "address", "location", "held",
        "virtual", "virtually",
    ),
    "programme": (
        "program", "programmet", "programpunkter", "dagsorden", "indhold", "forløb", "plan",
        "programme", "program", "agenda", "schedule", "timetable",
    ),
    "who": ("hvem", "who", "whom"),
    "contact": (
        "kontakt", "kontakte", "kontaktperson", "mail", "mailen", "email", "emailen", "mailadresse",
        "telefon", "telefonnummer", "nummer", "ringe", "ring", "skrive", "sekretariat",
        "sekretariatet", "henvende", "spørgsmål", "contact", "phone", "call", "secretariat",
        "telephone", "reach",
    ),
    "price": (
        "pris", "prisen", "koste", "koster", "kostede", "gratis", "betale", "betaling", "gebyr",
        "deltagergebyr", "deltagerbetaling", "cost", "costs", "price", "fee", "free", "pay",
        "charge", "anything",
    ),
    "audience": (
        "målgruppe", "målgruppen", "inviteret", "inviterede", "invitere", "rettet", "målrettet",
        "audience", "invited", "intended",
    ),
    "sessions": (
        "session", "sessioner", "sessionerne", "workshop", "workshops", "workshoppen",
        "workshopperne", "spor", "vælge", "valg", "choose", "choice", "sessions", "breakout",
    ),
    "organiser": (
        "arrangør", "arrangøren", "arrangerer", "arrangeret", "bag", "arrangørerne",
        "organiser", "organizer", "organises", "organizes", "organised", "organized", "host",
        "hosts",
    ),
    "summary": (
        "handler", "formål", "formålet", "tema", "temaet", "emne", "emnet", "fokus", "idé",
        "pointe", "pointen", "about", "purpose", "topic", "aim", "point",
    ),
    "capacity": ("plads", "pladser", "fuldt", "optaget", "seats", "capacity",
                 "full", "spaces"),
    "now": ("nu", "now", "øjeblikket", "currently"),
    "next": ("næste", "bagefter", "derefter", "snart", "straks", "next", "afterwards", "soon"),
    "after": ("efter", "after"),
    "before": ("før", "inden", "before"),
    "greeting": ("hej", "hejsa", "goddag", "davs", "hello", "hi", "hey", "morn"),
    "thanks": ("tak", "takker", "thanks", "thank"),
    "help": ("hjælp", "help", "kan", "hvad"),
}

# Signup/cancel phrases that are unambiguous on their own, as regexes over canonical text.
SIGNUP_PATTERNS = (
    r"\b(skriv|sæt|meld|noter)e? (mig|os) (selv )?(på|op|til|som deltager)\b",
    r"\b(put|count|add) (me|us) (down|in)\b",
    r"\btilmeld(e|er)? mig\b",
    r"\bmelde? (mig|sig|os) (til|på)\b",
    # "Jeg kommer gerne", "Vi kommer to fra …": saying one comes (a refusal is read as a
    # cancellation first, so "jeg kommer ikke" never gets here).
    r"\b(jeg|vi) kommer\b",
    r"^tilmelder\b|\btilmelder (hermed|også|vi|jeg)\b",
    r"\b(i|we) will (attend|come|be there|join)\b|\b(i'll|we'll) (attend|come|be there)\b",
    r"\b(vil|ønsker|skal) (gerne |meget gerne )?(at )?(tilmelde\w*|deltage|være med|med)\b",
    r"\bjeg deltager( gerne)?\b",
    r"\bhermed tilmelding\b",
    r"^tilmelding\b",
    r"\bja tak\b",
    r"\bsign me up\b",
    r"\b(i would|i'd|i want to|i wish to) (like to )?(sign up|register|attend|join|come)\b",
    r"\bregister me\b",
    r"\bhow (do|can) i (sign up|register)\b",
    r"\bhvordan tilmelder\b",
    r"\bkan jeg tilmelde\b",
)
CANCEL_PATTERNS = (
    r"\bfjern\w* (mig|os|min tilmelding) fra( \w*liste\w*)?\b",
    r"\bmeld(e|er)? (mig|os) (fra|af|ud)\b",
    r"\bslet\w* .*tilmelding",
    r"\b(bliver|er) (desværre )?forhindret\b",
    r"\btrække? (min|vores|mit) tilmelding\w* tilbage\b",
    r"\btræk\w* .*tilmelding\w* .*tilbage\b",
    r"\bmelde? (afbud|fra)\b",
    r"\bmelder (afbud|fra)\b",
    r"\bafmeld(e|er)? mig\b",
    r"\bkan (\w+ ){0,2}ikke (komme|deltage|være med)\b",
    r"\b(jeg|vi) deltager (\w+ )?ikke\b",
    r"\bforfald\b",
    r"\bkommer (desværre )?ikke\b",
    r"\b(cancel|withdraw) (my|me)\b",
    r"\b(can't|cannot|can not|won't) (come|attend|make it)\b",
    r"\bunregister\b",
)
DATE_PATTERNS = (
    r"\b(hvilken|hvilke|hvad for en) (dag|dato|ugedag)\b",
    r"\b(what|which) (day|date)\b",
    r"\bhvornår (er|bliver|holdes|afholdes) (den|det|temadagen|konferencen|mødet|dagen)\b",
)
AUDIENCE_PATTERNS = (
    r"\bhvem (er|holdes) (den|det|temadagen|konferencen|dagen|arrangementet|mødet|visionsdagen) "
    r"(for|til|rettet mod)\b",
    r"\bhvem (kan|må|skal|bør) (deltage|komme|være med|tilmelde)",
    r"\b(må|kan|skal) (?!(jeg|man|vi|du|i|hun|han|de|den|det|min|mit|mine|vores|hans|hendes)\b)"
    r"\w+ (også |gerne )?(komme|deltage|være med)\b",
    r"\bfor hvem\b",
    r"\bwho (can|may|should) (attend|come|take part|join|sign up)\b",
    r"\bwho is (it|this|the \w+) for\b",
)
# Phrases for start, "what is next" and "what is it about" that single words do not carry.
START_PATTERNS = (r"\bgår (det )?i gang\b", r"\bgår (det )?løs\b", r"\bkommer i gang\b",
                  r"\bbegynder det\b")
NEXT_PATTERNS = (r"\bom lidt\b", r"\bom et øjeblik\b", r"\bcoming up\b")
SUMMARY_PATTERNS = (
    r"\bgår (det |dagen )?ud på\b",
    r"\bwhat is it about\b",
    # "meningen med temadagen" is its purpose; "meningen med livet" is not ours to answer.
    r"\bmeningen med (temadagen|dagen|konferencen|mødet|arrangementet|visionsdagen|det)\b",
)

# Phrases that ask "when" or "how many" without the question word itself.
WHEN_PATTERNS = (
    r"\bhvad tid\b", r"\bhvilket tidspunkt\b", r"\bwhat time\b", r"\bhvor tidligt\b",
    r"\bhvad klokken\b", r"\bhvornår på dagen\b",
    r"\bhvor sent\b", r"\bwhen's\b",
)
HOW_MANY_PATTERNS = (r"\bhvor mange\b", r"\bhow many\b", r"\bantal\w*\b")
# Asking what an abbreviation stands for: the knowledge base rarely says, so staff answer.
ABBREVIATION_PATTERNS = (r"\bhvad står (?:\w+ ){1,3}for\b", r"\bwhat does (?:\w+ ){1,3}stand for\b",
                         r"\bhvad betyder forkortelsen\b")
VENUE_PATTERNS = (r"\bin person\b", r"\bfysisk\w*\b", r"\bhvor holdes\b")

# Questions about whether signing up is still possible are about the deadline, not a signup.
DEADLINE_PATTERNS = (
    r"\bnå at tilmelde\b",
    r"\btilmelde\w* .*\bnå\b|\bnå\b.*\btilmelde",
    r"\blast day to (register|sign up)\b",
    r"\bfor sent\b",
    r"\bstadig (tilmelde|nå|muligt|mulighed|åben\w*)\b",
    r"\b(åben|åbent) for tilmelding\b",
    r"\bsidste (frist|dag|chance)\b",
    r"\b(too late|still (sign up|register|possible|open))\b",
    r"\bsenest\b",
    r"\bhvornår skal (jeg|man|vi) (være )?tilmeld",
    r"\bwhen (do|must|should) i (sign up|register)\b",
)
DECLINE_PATTERNS = (
    r"^nej( tak)?\b",
    r"\bdesværre ikke\b",
    r"\bkan ikke deltage\b",
    r"\bno thank",
    # Declines found in real replies to invitations that the four above miss.
    r"\bdesværre (kan|kommer|når) (jeg|vi) ikke\b",  # "Desværre kan jeg ikke deltage."
    r"\b(takke|takker|sige|siger) nej\b",  # "Vi må desværre takke nej."
    r"\b(jeg|vi) deltager (desværre )?ikke\b",
    r"\bikke mulighed for at (deltage|komme|være med)\b",
    r"\b(unable|not able) to (attend|come|join|participate|make it)\b",
)

# Words that say nothing about the topic: pronouns, auxiliaries, politeness, question fillers.
STOPWORDS_DA = frozenset(
    """
    af alle allerede alt altid andet andre at bare begge blev blive bliver da de dem den denne der
    deres det dette dig din dine disse dit du efter egentlig eller en end endnu ens er et få får
    for fordi fra fx gerne god godt gør gøre ham han hans har have havde hej hende hendes her hos
    hun hvad hvem hver hvilke hvilken hvilket hvis hvor hvordan hvorfor hvornår i ikke ind ingen
    intet ja jeg jer jeres kan kom komme kommer kunne lidt lige man mange med meget men mere mig
    min mine mit mon mod må måske nej noget nogen nogle nok når og også om op os over på sig sige
    siger sin sine sit skal skulle som så sådan til tror ud under var vel vi vil ville vores være
    været venligst gerne tak mange kære hilsen venlig mvh vh hvorledes egentligt præcis
    cirka ca omkring helst lov sker ske foregår der's hvad's heller altså jo nu nok vist mens
    vide ved gå går blive vær sted finde findes holde holder spørge spørger spørgsmål
    fortælle fortæl information info oplysninger oplyse nogensinde mener menes tænke tænker
    dag dagen arrangement arrangementet begivenhed begivenheden møde mødet temadag temadagen
    konference konferencen visionsdag visionsdagen dialogmøde dialogmødet det
    er dets hvert hvilke hende øh hmm ok okay please slags ting tid tiden tidspunkt tidspunktet
    klokken kl time timer minutter desværre altså nemlig lige ellers stadigvæk
    byder spiller står laver giver leder taler oplæg oplægget oplægsholder oplægsholderen
    oplægsholdere vært værten forhåbentlig hurtigt spørge ligger beliggende findes
    pls plz please venter vente ord ordet sal salen salene lokalet henne inde ude selve by
    løs gang fået faaet sidder sidde medlem bestemt bestemte hele
    undskyld beklager pga grund grundet derfor fordi ellers alligevel jo sidste
    se ser så set hedder hed hedde kaldes betyder betyde gang gange går gik gået komme kommer
    kom lade lad lader sige sagde sagt vise viser vist holde holdt hører høre læse læser
    skrive skrev sende sendes sendt sender modtage modtager glemt glemme glemte huske husker
    ryger ryge videre vælge vælger valgt imellem mellem blandt punkt punkter punktet
    programpunkt programpunktet indslag indslaget kollega kollegaer kollegaen hun han hende
    ham dem folk nogen nogle alle selv selve vigtig vigtige vigtigste største første
    bedste forhånd på forhånd lidt kop mon monstro vel nok hvordan hvorledes rigtigt rigtig
    sikker sikkert lige præcist ca cirka omkring eksempel eksempelvis fx tidligt senere
    formiddag eftermiddag morgen aften dato datoen d den dagen dagens idag i dag ugen uge år
    året
    gælder gældende angår angående vedrørende ang mht hensyn forhold ift
    også desuden derudover samt igen
    """.split()
)
STOPWORDS_EN = frozenset(
    """
    a about an and any are as at be been being but by can could did do does doing for from get
    had has have having he her here him his how i if in into is it its me my of on or our please
    she should so than that the their them then there these they this those to too us was we
    were what when where which while who whom why will with would you your event day conference
    meeting thing time tell know hello hi thanks thank much many some one it's i'm what's there's
    much o'clock am pm speaker speakers host talk talks speaking gives give unfortunately
    can't cannot won't don't doesn't isn't i'd i'll come coming go going make bring need want
    like take all after still right presents present presenting going get taking taken took
    place places placed happen happens happening today tomorrow yesterday tonight
    theme day days held hold holds last up down put person people physically physical
    lead leads leading leader moderates moderating facilitates facilitating chaired
    body handles handle handled area areas regarding about anyone someone something
    morning afternoon evening
    when's where's who's what's how's is it there here also too
    """.split()
)

# "Is it today?": a day counted from today (in Copenhagen), most specific first.
RELATIVE_DAYS: tuple[tuple[int, str], ...] = (
    (2, r"\b(?:i )?over ?morgen\b|\bday after tomorrow\b"),
    (1, r"\bi ?morgen\b|\btomorrow\b"),
    (0, r"\bi ?dag\b|\btoday\b|\btonight\b"),
    (-1, r"\bi ?går\b|\byesterday\b"),
)

# Months and weekdays: they need not be found in the knowledge (a date is not a topic), but where
# they are ("i juni 2022"), they point at the right fact.
DATE_WORDS = frozenset(
    """
    januar februar marts april maj juni juli august september oktober november december
    jan feb mar apr jun jul aug sep sept okt nov dec forår efterår sommer vinter
    mandag tirsdag onsdag torsdag fredag lørdag søndag
    january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday spring autumn summer winter
    """.split()
)

# Words people use mapped to the words the knowledge base uses: English topic words, and Danish
# verbs for what the programme names with a noun ("runder af" -> "afrunding").
RELATED_WORDS: dict[str, tuple[str, ...]] = {
    "runder": ("afrunding",),
    "runde": ("afrunding",),
    "afrunder": ("afrunding",),
    "spise": ("frokost",),
    "spiser": ("frokost",),
    "velkommen": ("velkomst",),
    "byder": ("velkomst",),
    "debat": ("paneldebat",),
    "debatten": ("paneldebat",),
    "moderates": ("ordstyrer",),
    "opening": ("velkomst",),
    "vedtaget": ("godkende",),
    "vedtages": ("godkende",),
    "vedtage": ("godkende",),
    "skærmen": ("online",),
    "skærm": ("online",),
    "computer": ("online",),
    "computeren": ("online",),
    "nettet": ("online",),
    "internettet": ("online",),
    "ws": ("workshop",),
    "sess": ("session",),
    "theme": ("temadag",),
    "conference": ("konference",),
    "political": ("politisk",),
    "politics": ("politisk",),
    "politicians": ("politiker",),
    "discussions": ("drøftelse",),
    "area": ("område",),
    "citizens": ("borger",),
    "municipalities": ("kommune",),
    "agreement": ("aftale",),
    "approve": ("godkende",),
    "approved": ("godkende",),
    "approves": ("godkende",),
    "elderly": ("alderdom", "ældre"),
    "disability": ("handicap",),
    "disabilities": ("handicap",),
    "volunteer": ("frivillige",),
    "recruitment": ("rekruttering",),
    "lunch": ("frokost",),
    "coffee": ("kaffe",),
    "tea": ("the",),
    "break": ("pause",),
    "breaks": ("pause",),
    "welcome": ("velkomst",),
    "welcomes": ("velkomst",),
    "arrival": ("ankomst",),
    "panel": ("paneldebat",),
    "debate": ("paneldebat",),
    "discussion": ("drøftelse", "dialog"),
    "closing": ("afrunding",),
    "summary": ("opsamling",),
    "wrap": ("afrunding",),
    "theatre": ("teater",),
    "theater": ("teater",),
    "play": ("teater",),
    "speaker": ("oplæg",),
    "speakers": ("oplæg",),
    "talk": ("oplæg",),
    "talks": ("oplæg",),
    "moderator": ("ordstyrer",),
    "chair": ("ordstyrer",),
    "chairs": ("ordstyrer",),
    "facilitator": ("facilitator",),
    "chairman": ("formand",),
    "chairperson": ("formand",),
    "mayor": ("borgmester",),
    "minister": ("minister",),
    "volunteers": ("frivillige",),
    "innovation": ("innovation",),
    "welfare": ("velfærd",),
    "plenary": ("plenum",),
    "workshops": ("workshop",),
    "sessions": ("session",),
    "vision": ("vision",),
    "old": ("alderdom",),
    "age": ("alderdom",),
    "psychiatry": ("socialpsykiatri",),
}

# Words that point at a kind of programme item, in either language.
ITEM_KIND_WORDS: dict[str, ItemKind] = {
    "frokost": ItemKind.MEAL,
    "frokostpause": ItemKind.MEAL,
    "spise": ItemKind.MEAL,
    "mad": ItemKind.MEAL,
    "lunch": ItemKind.MEAL,
    "meal": ItemKind.MEAL,
    "food": ItemKind.MEAL,
    "pause": ItemKind.BREAK,
    "kaffepause": ItemKind.BREAK,
    "break": ItemKind.BREAK,
    "ankomst": ItemKind.ARRIVAL,
    "arrival": ItemKind.ARRIVAL,
    "velkomst": ItemKind.WELCOME,
    "welcome": ItemKind.WELCOME,
    "afrunding": ItemKind.CLOSING,
    "closing": ItemKind.CLOSING,
    "paneldebat": ItemKind.PANEL,
    "panel": ItemKind.PANEL,
    "plenum": ItemKind.PLENARY,
    "plenary": ItemKind.PLENARY,
}

# Words that name a part a person plays, for "who is the moderator of session 1?".
PART_WORDS: dict[str, str] = {
    "ordstyrer": "moderator",
    "ordstyreren": "moderator",
    "moderator": "moderator",
    "styrer": "moderator",
    "chair": "moderator",
    "facilitator": "facilitator",
    "facilitatoren": "facilitator",
    "faciliterer": "facilitator",
    "oplæg": "speaker",
    "oplægget": "speaker",
    "oplægsholder": "speaker",
    "leder": "speaker",
    "leads": "speaker",
    "lead": "speaker",
    "moderates": "moderator",
    "presents": "speaker",
    "præsenterer": "speaker",
    "facilitates": "facilitator",
    "oplægsholderen": "speaker",
    "oplægsholdere": "speaker",
    "taler": "speaker",
    "speaker": "speaker",
    "vært": "host",
    "host": "host",
}

SESSION_WORDS = ("session", "workshop", "spor", "sessionen", "workshoppen", "sess", "ws")

QUESTION_WORDS: dict[str, str] = {
    "hvornår": "when",
    "when": "when",
    "when's": "when",
    "where's": "where",
    "who's": "who",
    "hvor": "where",
    "where": "where",
    "hvem": "who",
    "who": "who",
    "whom": "who",
    "hvad": "what",
    "what": "what",
    "hvilken": "which",
    "hvilke": "which",
    "hvilket": "which",
    "which": "which",
    "hvordan": "how",
    "how": "how",
    "hvorfor": "why",
    "why": "why",
}
