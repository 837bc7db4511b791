"""Finnish vocabulary of the sample: names, places, streets, services, campaigns and support texts."""

from __future__ import annotations

# First names common in Finland (DVV name statistics); the two lists never share a name with
# LAST_NAMES, so an e-mail address built from "first.last" cannot collide with "last.first".
FEMALE_FIRST_NAMES = (
    "Aino", "Anna", "Anni", "Eeva", "Elina", "Emilia", "Emma", "Hanna", "Heidi", "Helmi", "Ilona",
    "Inkeri", "Jenni", "Johanna", "Katja", "Kaisa", "Laura", "Leena", "Liisa", "Maija", "Marjatta",
    "Minna", "Noora", "Oona", "Pauliina", "Riikka", "Sanna", "Satu", "Siiri", "Sofia", "Suvi", "Taru",
    "Tiina", "Tuula", "Venla", "Veera", "Ella", "Aada", "Iida", "Päivi", "Sirpa", "Tarja", "Marja",
    "Kirsi", "Outi", "Anna-Liisa", "Maria", "Ulla", "Kristiina", "Sari",
)
MALE_FIRST_NAMES = (
    "Aleksi", "Antti", "Eero", "Elias", "Eino", "Heikki", "Ilkka", "Janne", "Jari", "Juha", "Jukka",
    "Jussi", "Kalle", "Kari", "Lauri", "Markku", "Matti", "Mikko", "Niko", "Olli", "Onni", "Pekka",
    "Petri", "Sami", "Teemu", "Timo", "Tuomas", "Ville", "Väinö", "Aapo", "Joonas", "Lasse", "Oskari",
    "Pasi", "Risto", "Seppo", "Topi", "Urho", "Veikko", "Arttu", "Juho-Pekka", "Mika", "Jani",
    "Henrik", "Johannes", "Tapio", "Erkki", "Hannu", "Jarmo", "Leo",
)
LAST_NAMES = (
    "Korhonen", "Virtanen", "Mäkinen", "Nieminen", "Mäkelä", "Hämäläinen", "Laine", "Heikkinen",
    "Koskinen", "Järvinen", "Lehtonen", "Lehtinen", "Saarinen", "Salminen", "Heinonen", "Niemi",
    "Heikkilä", "Kinnunen", "Salonen", "Turunen", "Laitinen", "Tuominen", "Rantanen", "Karjalainen",
    "Jokinen", "Mattila", "Savolainen", "Lahtinen", "Ahonen", "Hiltunen", "Leinonen", "Kallio",
    "Miettinen", "Hirvonen", "Pitkänen", "Aaltonen", "Manninen", "Lindholm", "Laaksonen", "Anttila",
    "Räsänen", "Koivisto", "Väisänen", "Peltonen", "Leppänen", "Kärkkäinen", "Ojala", "Lindqvist",
    "Nurmi", "Seppälä", "Hakala", "Kemppainen", "Heiskanen", "Huttunen", "Kauppinen", "Rautiainen",
    "Pesonen", "Toivonen", "Vainio", "Honkanen", "Mustonen", "Kettunen", "Backman", "Holmström",
    "Forsman", "Söderberg", "Åberg", "Sjöberg", "Nyström", "Koponen", "Vesterinen", "Lappalainen",
    "Hyvönen", "Partanen", "Tikkanen", "Ikonen", "Halonen", "Kokkonen", "Moilanen", "Sirviö",
    "Rissanen", "Tolonen", "Eskelinen", "Pelkonen", "Jääskeläinen", "Oksanen", "Suominen", "Virta",
    "Hakkarainen", "Nykänen", "Kivelä", "Ranta", "Lampinen", "Mikkonen", "Karvonen", "Ruotsalainen",
)

# (postal code, post office, weight): real Finnish postal codes, weighted roughly by population so
# that Helsinki, Espoo, Tampere and Vantaa dominate. Codes stay text: many start with 0.
PLACES = (
    ("00100", "Helsinki", 6), ("00120", "Helsinki", 3), ("00130", "Helsinki", 2), ("00140", "Helsinki", 3),
    ("00150", "Helsinki", 3), ("00160", "Helsinki", 2), ("00170", "Helsinki", 2), ("00180", "Helsinki", 4),
    ("00200", "Helsinki", 3), ("00250", "Helsinki", 3), ("00260", "Helsinki", 3), ("00500", "Helsinki", 4),
    ("00530", "Helsinki", 3), ("00550", "Helsinki", 3), ("00560", "Helsinki", 3), ("00610", "Helsinki", 2),
    ("00700", "Helsinki", 2), ("00710", "Helsinki", 2), ("00750", "Helsinki", 2), ("00800", "Helsinki", 3),
    ("00840", "Helsinki", 2), ("00900", "Helsinki", 3), ("00930", "Helsinki", 2), ("00970", "Helsinki", 3),
    ("02100", "Espoo", 4), ("02150", "Espoo", 3), ("02230", "Espoo", 3), ("02600", "Espoo", 3),
    ("02650", "Espoo", 2), ("02770", "Espoo", 3), ("02700", "Kauniainen", 1), ("01300", "Vantaa", 3),
    ("01350", "Vantaa", 2), ("01510", "Vantaa", 2), ("01600", "Vantaa", 3), ("33100", "Tampere", 5),
    ("33200", "Tampere", 3), ("33500", "Tampere", 3), ("33540", "Tampere", 2), ("33720", "Tampere", 2),
    ("20100", "Turku", 4), ("20500", "Turku", 2), ("20700", "Turku", 2), ("20810", "Turku", 2),
    ("90100", "Oulu", 3), ("90500", "Oulu", 2), ("90570", "Oulu", 2), ("40100", "Jyväskylä", 3),
    ("40320", "Jyväskylä", 2), ("40520", "Jyväskylä", 1), ("70100", "Kuopio", 3), ("70500", "Kuopio", 1),
    ("15100", "Lahti", 3), ("15140", "Lahti", 1), ("28100", "Pori", 2), ("80100", "Joensuu", 2),
    ("53100", "Lappeenranta", 2), ("13100", "Hämeenlinna", 2), ("65100", "Vaasa", 2),
    ("60100", "Seinäjoki", 2), ("96100", "Rovaniemi", 2), ("50100", "Mikkeli", 1), ("48100", "Kotka", 1),
    ("24100", "Salo", 1), ("06100", "Porvoo", 2), ("04200", "Kerava", 1), ("04400", "Järvenpää", 1),
    ("05800", "Hyvinkää", 1), ("08100", "Lohja", 1), ("02400", "Kirkkonummi", 1), ("04300", "Tuusula", 1),
    ("01900", "Nurmijärvi", 1), ("67100", "Kokkola", 1), ("87100", "Kajaani", 1), ("57100", "Savonlinna", 1),
    ("21200", "Raisio", 1), ("20780", "Kaarina", 1), ("21100", "Naantali", 1), ("26100", "Rauma", 1),
    ("55100", "Imatra", 1), ("11100", "Riihimäki", 1), ("44100", "Äänekoski", 1), ("33470", "Ylöjärvi", 1),
    ("36200", "Kangasala", 1), ("37100", "Nokia", 1), ("33950", "Pirkkala", 1),
)

# Street names found in many Finnish towns, so any of them fits any post office above.
STREETS = (
    "Koulukatu", "Kirkkokatu", "Asemakatu", "Puistokatu", "Rantatie", "Myllytie", "Koivukuja",
    "Pihlajatie", "Vaahterakuja", "Kuusitie", "Mäntytie", "Harjutie", "Järvenrannantie", "Kalliotie",
    "Kauppakatu", "Rautatienkatu", "Sepänkatu", "Hämeenkatu", "Satamakatu", "Linnankatu",
    "Pellavakatu", "Kuninkaankatu", "Kivikatu", "Tehtaankatu", "Peltotie", "Niittytie", "Metsätie",
    "Kankaantie", "Honkatie", "Tammitie", "Lehtikuusentie", "Ruusutie", "Orvokkitie", "Kielotie",
    "Sireenitie", "Omenapuuntie", "Sammonkatu", "Väinölänkatu", "Runebergintie", "Topeliuksenkatu",
    "Snellmaninkatu", "Lönnrotinkatu", "Sibeliuksenkatu", "Kalevankatu", "Pohjolankatu",
    "Otsolankatu", "Sahanmäentie", "Urheilutie", "Kirkkopolku", "Aleksanterinkatu",
)

# Interest profiles the webshop stores (the "kiinnostus- ja profilointitiedot" of the notice);
# an empty profile is a customer who never filled it in.
INTEREST_PROFILES = (
    "", "", "", "jooga", "jooga;meditaatio", "jooga;pilates", "jooga;ravinto", "pilates",
    "pilates;kuntosali", "kuntosali", "kuntosali;ravinto", "kuntosali;valmennus", "hieronta",
    "hieronta;jooga", "hieronta;ravinto", "ravinto", "ravinto;valmennus", "valmennus",
    "valmennus;juoksu", "juoksu", "juoksu;kuntosali", "tanssi", "tanssi;pilates", "tanssi;jooga",
    "meditaatio", "meditaatio;hieronta", "uinti", "uinti;juoksu", "jooga;pilates;meditaatio",
    "kuntosali;ravinto;valmennus", "hieronta;jooga;ravinto", "tanssi;kuntosali",
)

# (category, title, price in euros): what providers sell on the platform. Titles are Finnish; a few
# reveal health (pregnancy, back pain), as a wellness shop's would.
SERVICE_TEMPLATES = (
    ("jooga", "Hatha-joogan alkeiskurssi", "89.00"), ("jooga", "Yin-jooga, 10 kerran sarjakortti", "149.00"),
    ("jooga", "Aamujooga", "15.00"), ("jooga", "Astanga-jooga", "18.00"),
    ("jooga", "Joogaa selkävaivoihin", "24.90"), ("jooga", "Lempeä jooga senioreille", "14.90"),
    ("pilates", "Pilateksen alkeet", "79.00"), ("pilates", "Reformer-pilates", "29.90"),
    ("pilates", "Pilates keskivartalolle", "19.90"), ("pilates", "Äitiyspilates", "22.00"),
    ("kuntosali", "Kuntosalin kuukausikortti", "49.90"), ("kuntosali", "Kuntosaliohjelma", "59.00"),
    ("kuntosali", "Kahvakuulatunti", "16.00"), ("kuntosali", "Kuntopiiri", "12.00"),
    ("hieronta", "Klassinen hieronta 60 min", "69.00"), ("hieronta", "Urheiluhieronta 45 min", "59.00"),
    ("hieronta", "Intialainen päähieronta", "45.00"), ("hieronta", "Kuumakivihieronta", "79.00"),
    ("valmennus", "Personal training, 5 x 60 min", "390.00"), ("valmennus", "Ravintovalmennus", "149.00"),
    ("valmennus", "Juoksuvalmennus", "119.00"), ("valmennus", "Painonhallintavalmennus", "199.00"),
    ("valmennus", "Unikoulu aikuisille", "89.00"), ("tanssi", "Zumba", "12.00"),
    ("tanssi", "Lavatanssikurssi", "65.00"), ("tanssi", "Itämainen tanssi", "14.00"),
    ("tanssi", "Showtanssi aikuisille", "16.00"), ("tanssi", "Tanssillinen syke", "11.00"),
)

# Campaign names by calendar month (index 0 = January); the channel adds a suffix.
CAMPAIGNS_BY_MONTH = (
    "uuden-vuoden-lupaus", "ystavanpaiva", "kevatkunto", "paasiainen", "vappu", "kesakunto",
    "kesatauko", "syyskausi-alkaa", "syyskampanja", "hyvinvointiviikko", "black-friday", "joulukalenteri",
)
CAMPAIGN_SUFFIX = {"email": "", "sms": "-sms", "post": "-posti"}

# Customer-service messages. They hold no e-mail address, phone number, identity code or digit at all,
# so a free-text PII scan finds nothing in the clean bulk.
CONSUMER_SUPPORT_TEXTS = (
    "Hei, tilaukseni ei näy omalla tililläni. Voitteko tarkistaa asian?",
    "Haluaisin siirtää varaamani joogatunnin toiseen päivään.",
    "Maksu veloitettiin kahteen kertaan, pyydän hyvitystä toisesta veloituksesta.",
    "Kurssi peruttiin, miten saan rahani takaisin?",
    "En pääse kirjautumaan sisään, salasanan vaihtolinkki ei toimi.",
    "Voinko antaa ostamani sarjakortin ystävälleni?",
    "Hieroja ei ollut paikalla sovittuna aikana. Toivon hyvitystä.",
    "Miten peruutan uutiskirjeen tilauksen?",
    "Kiitos hyvästä palvelusta, valmennus oli erinomainen!",
    "Lahjakortin koodi ei kelpaa kassalla.",
    "Haluaisin päivittää osoitetietoni.",
    "Tunnin ohjaaja vaihtui ilman ilmoitusta, olin pettynyt.",
    "Voiko tunnille tuoda oman joogamaton?",
    "Onko kuntosalikortissa mahdollisuutta kesätaukoon?",
    "Kuitti puuttuu, voitteko lähettää sen uudelleen?",
    "Sovellus kaatuu, kun yritän avata varaukseni.",
    "Varausvahvistusta ei tullut, onko varaukseni voimassa?",
    "Miten voin poistaa tallennetun maksukortin tililtäni?",
)
PROVIDER_SUPPORT_TEXTS = (
    "Palveluni hinta ei päivity julkaistuun ilmoitukseen.",
    "Haluaisin lisätä uuden kurssin myyntiin, miten toimin?",
    "Tilitys viime kuulta puuttuu vielä.",
    "Kuvien lataus palvelun esittelysivulle epäonnistuu.",
    "Asiakas peruutti varauksen myöhään, miten toimitaan peruutusmaksun kanssa?",
    "Voinko piilottaa palvelun väliaikaisesti loman ajaksi?",
    "Kalenterin synkronointi ei toimi, varaukset näkyvät päällekkäin.",
    "Miten muutan yritykseni laskutustietoja?",
)

# Outcome codes of completed data-subject requests, by kind.
REQUEST_OUTCOMES = {
    "access": "data_provided", "erasure": "erased", "rectification": "rectified",
    "objection": "marketing_ban_set", "restriction": "restricted", "portability": "data_exported",
}

# The domains reserved for examples (RFC 2606): realistic addresses that can never reach anyone.
EMAIL_DOMAINS = ("example.com", "example.net", "example.org")
# Finnish mobile prefixes (040, 041, 044, 045, 046, 050) without the trunk zero.
MOBILE_PREFIXES = ("40", "41", "44", "45", "46", "50")


def campaign_name(channel: str, year: int, month: int) -> str:
    """The campaign a message of ``channel`` sent in ``year``-``month`` belongs to."""
    return f"{CAMPAIGNS_BY_MONTH[month - 1]}-{year}{CAMPAIGN_SUFFIX[channel]}"
