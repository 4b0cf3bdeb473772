"""Synthetic demo cases: invented Afghan families for trying the app and for benchmarks.

Every name, number and story is assembled from the small word lists below; none
describes a real person, and every case says so in its notes. Output depends only
on the seed, so benchmarks and screenshots repeat exactly.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import struct
import uuid
import zlib
from collections.abc import Callable
from typing import Any

from .core.attachments import BlobStore
from .core.cases import CaseStore
from .core.records import release_attachments
from .core.vault import Vault

BATCH = 200  # cases per transaction: one durable commit per batch, not per case
TODAY = dt.date(2024, 6, 1)  # fixed, so a seed gives the same ages on any day

Entry = tuple[str, tuple[str, ...]]  # (Dari/Pashto script, Latin spelling variants)


def _entries(text: str) -> list[Entry]:
    """'محمد=Mohammad/Muhammad; ...' -> [("محمد", ("Mohammad", "Muhammad"))]."""
    pairs = (item.split("=") for item in text.split(";") if item.strip())
    return [(a.strip(), tuple(b.strip().split("/"))) for a, b in pairs]


# Shared by Dari and Pashto speakers; some are written with ZWNJ (ذبیح‌الله).
MALE = _entries(
    "محمد=Mohammad/Muhammad/Mohammed/Mohd; احمد=Ahmad/Ahmed; نوراحمد=Noor Ahmad/Nur Ahmad;"
    "عبدالله=Abdullah/Abdulla; حمیدالله=Hamidullah/Hamid Ullah; ذبیح‌الله=Zabihullah/Zabiullah;"
    "نجیب‌الله=Najibullah/Najeebullah; گل‌آغا=Gul Agha/Gulagha; یوسف=Yousuf/Yusuf/Yousef;"
    "علی=Ali; رحیم=Rahim/Raheem; کریم=Karim/Kareem; جاوید=Javid/Jawed/Jawid; گل=Gul;"
    "فرید=Farid/Fareed; سمیع‌الله=Samiullah/Sami Ullah"
)
MALE_PS = _entries(
    "ځلمی=Zalmai/Zalmay; ټوریالی=Toryalai/Turyalai; ګلاب=Gulab; میرویس=Mirwais/Mirways;"
    "اجمل=Ajmal; ملنګ=Malang"
)
FEMALE = _entries(
    "فاطمه=Fatima/Fatema/Fatimah; مریم=Maryam/Mariam; زهرا=Zahra/Zohra; شبنم=Shabnam;"
    "فریبا=Fariba/Fareeba; لیلا=Laila/Leila/Layla; ثریا=Soraya/Suraya; ماه‌گل=Mahgul/Mah Gul;"
    "نازنین=Nazanin; سیما=Sima/Seema"
)
FEMALE_PS = _entries(
    "ملالۍ=Malalai/Malalay; ګلالۍ=Gulalai/Gulalay; وږمه=Wagma/Wazhma; ښایسته=Shaista/Shaesta;"
    "زرغونه=Zarghona/Zarghuna; پلوشه=Palwasha"
)
TRIBES = _entries(  # Pashtun tribe names, which serve as family names
    "احمدزی=Ahmadzai/Ahmadzay; ځدراڼ=Zadran/Dzadran; وردګ=Wardak/Wardag;"
    "اڅکزی=Achakzai/Achekzai; ښینواری=Shinwari/Shinwary; کاکړ=Kakar/Kakkar;"
    "پوپلزی=Popalzai/Popalzay; منګل=Mangal; تڼی=Tani/Tanai; مومند=Mohmand/Momand"
)
FAMILIES = _entries(
    "حیدری=Haidari/Hyderi/Haydari; رحیمی=Rahimi/Raheemi; نوری=Noori/Nuri; سادات=Sadat/Saadat;"
    "محمدی=Mohammadi/Muhammadi; حسینی=Hosseini/Husaini; کریمی=Karimi/Kareemi;"
    "صدیقی=Siddiqi/Sediqi"
)
PROVINCES = _entries(
    "کابل=Kabul; کندهار=Kandahar; ننګرهار=Nangarhar; هرات=Herat; بلخ=Balkh; پکتیا=Paktia;"
    "خوست=Khost; لغمان=Laghman; کنړ=Kunar; غزنی=Ghazni; پروان=Parwan; بامیان=Bamyan"
)
US_FIRST = ("Emily", "David", "Sarah", "Michael", "Rachel", "James")
US_LAST = ("Carter", "Nguyen", "Miller", "Okafor", "Lindqvist", "Patel")
US_CITIES = ("Sacramento, CA", "Fairfax, VA", "Houston, TX", "Alexandria, VA", "Seattle, WA")
AFGHAN_MONTHS = (
    "حمل", "ثور", "جوزا", "سرطان", "اسد", "سنبله", "میزان", "عقرب", "قوس", "جدی", "دلو", "حوت"
)  # fmt: skip
PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
INTERVIEWERS = ("J. Alvarez", "S. Thompson", "R. Okafor", "M. Lindqvist", "A. Brennan")
INTERPRETERS = ("Farhad N.", "Wahida S.", "Jamshid K.", "Palwasha R.")
PLACES = ("Islamabad", "Doha", "Kabul", "Peshawar", "Abu Dhabi", "Tirana")
FORMS = ("written", "verbal", "thumbprint")
ROUTES = {"humanitarian_parole": 70, "siv": 15, "refugee_referral": 10, "family_petition": 5}
STATUSES = {"intake": 35, "in_review": 25, "ready": 15, "submitted": 20, "closed": 5}
DATE_FIELDS = ("calendar", "precision", "year", "month", "day", "original_text", "gregorian")

# (Dari, Pashto, English): what the principal did, and one sentence about now.
# Testimony stays factual and non-graphic: work, threats, hiding.
JOBS = (
    ("ترجمان نیروهای امریکایی", "د امریکايي ځواکونو سره د ژباړونکي په توګه", "an interpreter for US forces"),  # noqa: E501
    ("سرباز اردوی ملی", "د ملي اردو د سرتېري په توګه", "a soldier in the Afghan National Army"),
    ("خبرنگار", "د خبریال په توګه", "a journalist"),
    ("معلم مکتب دختران", "د نجونو په ښوونځي کې د ښوونکي په توګه", "a teacher at a girls' school"),
    ("کارمند یک پروژهٔ تمویل‌شده توسط امریکا", "د امریکا په مرسته د یوې پروژې کارکوونکي په توګه", "a staff member on a US-funded project"),  # noqa: E501
)  # fmt: skip
NOW = (
    ("اکنون با خانواده‌ام در خانهٔ یکی از اقارب پنهان هستیم.", "اوس له خپلې کورنۍ سره د یوه خپلوان په کور کې پټ یو.", "Now my family and I are hiding in a relative's house."),  # noqa: E501
    ("ما هر چند هفته جای خود را تغییر می‌دهیم.", "موږ هرو څو اونیو وروسته خپل ځای بدلوو.", "We move to a different place every few weeks."),  # noqa: E501
    ("فرزندانم از ترس به مکتب نمی‌روند.", "زما ماشومان د وېرې له امله ښوونځي ته نه ځي.", "My children do not go to school because they are afraid."),  # noqa: E501
    ("یک نامهٔ تهدیدآمیز به دروازهٔ خانه‌ام چسپانده شد.", "زموږ د کور په دروازه د ګواښ لیک ولګول شو.", "A threatening letter was left on the door of our house."),  # noqa: E501
)  # fmt: skip
TESTIMONY = (  # Dari, Pashto, English; filled in with a JOBS and a NOW entry
    "من از سال {since} تا ۲۰۲۱ {job} بودم. بعد از سقوط کابل، طالبان چند بار به خانه‌ام آمدند و سراغ مرا گرفتند. {now}",  # noqa: E501
    "ما له {since} کال څخه تر ۲۰۲۱ پورې {job} کار کاوه. د کابل له سقوط وروسته طالبانو څو ځله زموږ کور ته راغلل او زما پوښتنه یې کوله. {now}",  # noqa: E501
    "From {since} until 2021 I worked as {job}. After the fall of Kabul the Taliban came to our house several times asking for me. {now}",  # noqa: E501
)
MEDICAL = (
    "Heart condition that needs surgery not available locally.",
    "Insulin-dependent diabetes; the supply of insulin is unreliable.",
    "Needs follow-up care for an old leg injury.",
)


def _uid(rng: random.Random) -> str:
    """Document-local ids from the seed (add_case replaces them with fresh ones)."""
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _as_typed(rng: random.Random, text: str, ps: bool) -> str:
    """As typed: Pashto gaf for Pashto speakers; now and then an Arabic keyboard's ي and ك."""
    if ps:
        text = text.replace("گ", "ګ")
    if rng.random() < 0.08:
        text = text.replace("ی", "ي").replace("ک", "ك")
    return text


def _sh_to_gregorian(year: int, month: int, day: int) -> dt.date:
    # Within a day or two: the year starts about 21 March; months 1-6 have 31 days, 7-11 30.
    days = (month - 1) * 31 if month <= 6 else 186 + (month - 7) * 30
    return dt.date(year + 621, 3, 21) + dt.timedelta(days=days + day - 1)


def _date(cal: str, prec: str, ymd: tuple[int, ...], text: str, est: Any) -> dict[str, Any]:
    year, month, day = (*ymd, None, None, None)[:3]
    values = (cal, prec, year, month, day, text, est.isoformat() if est else None)
    return dict(zip(DATE_FIELDS, values, strict=True))


def _exact(day: dt.date) -> dict[str, Any]:
    return _date("gregorian", "day", (day.year, day.month, day.day), f"{day:%d/%m/%Y}", day)


def _dob(rng: random.Random, age: int) -> dict[str, Any]:
    """Mostly Solar Hijri as on a tazkira; some passport dates, some 1 January placeholders."""
    year, r = TODAY.year - age, rng.random()
    sh = year - 621
    if r < 0.45:  # the year alone, typical of a paper tazkira
        text = str(sh).translate(PERSIAN_DIGITS)
        return _date("solar_hijri", "year", (sh,), text, _sh_to_gregorian(sh, 7, 1))
    if r < 0.7:
        m, d = rng.randint(1, 12), rng.randint(1, 29)
        text = f"{d} {AFGHAN_MONTHS[m - 1]} {sh}".translate(PERSIAN_DIGITS)
        return _date("solar_hijri", "day", (sh, m, d), text, _sh_to_gregorian(sh, m, d))
    if r < 0.82:
        return _exact(dt.date(year, rng.randint(1, 12), rng.randint(1, 28)))
    if r < 0.93:  # the placeholder officials write when only the year is known
        return _exact(dt.date(year, 1, 1))
    return _date("solar_hijri", "unknown", (), "نامعلوم", None)


def _given(rng: random.Random, sex: str, ps: bool) -> Entry:
    if sex == "male":
        return rng.choice(MALE + MALE_PS if ps else MALE)
    return rng.choice(FEMALE_PS if ps else FEMALE)


def _name(text: str, script: str, kind: str, language: str, source: str = "") -> dict[str, str]:
    return {"text": text, "script": script, "kind": kind, "language": language, "source": source}


def _person(
    rng: random.Random, role: str, sex: str, age: int, fam: Entry, ps: bool, father: Entry,
    given: Entry | None = None,
) -> tuple[dict[str, Any], Entry]:  # fmt: skip
    """A family member named as documents show it: in script and Latin, with father and tribe."""
    lang, given = ("ps" if ps else "fa-AF"), given or _given(rng, sex, ps)
    full = f"{rng.choice(given[1])} {rng.choice(fam[1])}"
    source = rng.choice(("passport", "interview", "SIV application"))
    names = [
        _name(_as_typed(rng, f"{given[0]} {fam[0]}", ps), "arabic", "full", lang, "tazkira"),
        _name(full, "latin", "full", "en", source),
        _name(_as_typed(rng, father[0], ps), "arabic", "father", lang, "tazkira"),
    ]
    if age >= 18:  # children's papers rarely carry more than this
        names.append(_name(rng.choice(father[1]), "latin", "father", "en"))
        names.append(_name(_as_typed(rng, fam[0], ps), "arabic", "tribe" if ps else "family", lang))
        alias = f"{rng.choice(given[1])} {rng.choice(fam[1])}"
        if alias != full and rng.random() < 0.5:  # another document spelled it differently
            names.append(_name(alias, "latin", "alias", "en", "earlier visa application"))
    person: dict[str, Any] = {"id": _uid(rng), "full_name": full, "role": role, "sex": sex}
    person["names"] = names
    script, latin = rng.choice(PROVINCES)  # written either way on intake forms
    place = script if rng.random() < 0.6 else f"{latin[0]}, Afghanistan"
    person.update(date_of_birth=_dob(rng, age), place_of_birth=place)
    person.update(nationality="Afghanistan", languages=[lang] if age > 3 else [])
    return person, given


def _documents(rng: random.Random, person_id: str, adult: bool) -> list[dict[str, Any]]:
    docs: list[dict[str, Any]] = []
    if adult or rng.random() < 0.2:
        if rng.random() < 0.5:  # paper tazkira: volume / page / register
            number = f"{rng.randint(1, 99)}/{rng.randint(1, 400)}/{rng.randint(1000, 99999)}"
            docs.append({"kind": "tazkira", "number": number})
        else:
            sh = rng.randint(1397, 1401)
            number = f"{sh}-{rng.randint(100, 9999):04d}-{rng.randint(0, 99999):05d}"
            text, estimate = str(sh).translate(PERSIAN_DIGITS), _sh_to_gregorian(sh, 7, 1)
            issued = _date("solar_hijri", "year", (sh,), text, estimate)
            docs.append({"kind": "e_tazkira", "number": number, "issued": issued})
    if adult and rng.random() < 0.4:
        start = dt.date(rng.randint(2014, 2021), rng.randint(1, 12), rng.randint(1, 28))
        end = start.replace(year=start.year + rng.choice((5, 10))) - dt.timedelta(days=1)
        number = f"P{rng.randint(0, 99999999):08d}"
        docs.append({"kind": "passport", "number": number, "issued": _exact(start)})
        docs[-1]["expires"] = _exact(end)
    for doc in docs:
        doc.update(id=_uid(rng), person=person_id, issuing_country="Afghanistan")
    return docs


class _Family:
    """The people of one case and how each relates to the principal."""

    def __init__(self, rng: random.Random, size: int, woman: bool, ps: bool) -> None:
        self.rng, self.ps = rng, ps
        self.fam = rng.choice(TRIBES if ps else FAMILIES)
        self.age, grandfather = rng.randint(24, 58), _given(rng, "male", ps)
        sex = "female" if woman else "male"
        self.head, given = _person(rng, "principal", sex, self.age, self.fam, ps, grandfather)
        self.head["head_of_household"] = True
        self.people, self.adults = [self.head], [self.head]
        self.relations: list[dict[str, Any]] = []
        if not woman and size > 1 and rng.random() < 0.9:
            self.add("spouse", "female", max(18, self.age - rng.randint(0, 8)))
        if len(self.people) < size and self.age > 38 and rng.random() < 0.2:
            self.add("parent", "male", min(82, self.age + rng.randint(22, 30)), given=grandfather)
        self.supporter = size > 1 and rng.random() < 0.35
        dad = grandfather if woman else given  # a widow's children: a stand-in father's name
        while len(self.people) < size - self.supporter:
            age = rng.randint(1, min(17, self.age - 18))
            self.add("child", rng.choice(("female", "male")), age, dad)
        self.family_size = len(self.people)
        if self.supporter:
            self.add_supporter()

    def add(
        self, kind: str, sex: str, age: int, father: Entry | None = None, given: Entry | None = None
    ) -> None:
        father = father or _given(self.rng, "male", self.ps)
        person, _ = _person(self.rng, "beneficiary", sex, age, self.fam, self.ps, father, given)
        self.relate(person, kind)
        if age >= 18:
            self.adults.append(person)

    def relate(self, person: dict[str, Any], kind: str) -> None:
        # `kind` says what `relative` is to `person` (here, to the principal).
        self.people.append(person)
        link = {"id": _uid(self.rng), "person": self.head["id"], "relative": person["id"]}
        self.relations.append({**link, "kind": kind})

    def add_supporter(self) -> None:
        rng, sibling = self.rng, self.rng.random() < 0.5  # a brother in the US, or a volunteer
        first = rng.choice(_given(rng, "male", self.ps)[1]) if sibling else rng.choice(US_FIRST)
        name = f"{first} {rng.choice(self.fam[1] if sibling else US_LAST)}"
        dob = dt.date(rng.randint(1965, 1995), rng.randint(1, 12), rng.randint(1, 28))
        names = [_name(name, "latin", "full", "en", "Form I-134")]
        person: dict[str, Any] = {"id": _uid(rng), "full_name": name, "role": "supporter"}
        person["names"] = names
        person.update(sex="male" if sibling else "unknown", date_of_birth=_exact(dob))
        person.update(nationality="United States", contact=rng.choice(US_CITIES))
        self.relate(person, "sibling" if sibling else "other")


def generate_case(rng: random.Random, attachments: list[dict[str, Any]]) -> dict[str, Any]:
    """One invented case document, in the shape ``CaseStore.add_case`` accepts; about one
    case in five cites one of ``attachments`` (stored blobs: sha256, filename...) as evidence."""
    ps = rng.random() < 0.45  # a Pashto- or a Dari-speaking family
    size = rng.choices(range(1, 9), weights=(8, 12, 14, 18, 18, 14, 9, 7))[0]
    woman = rng.random() < 0.15  # widows and single women heading a family
    family = _Family(rng, size, woman, ps)
    head, lang = family.head, "ps" if ps else "fa-AF"
    members = family.people[: family.family_size]  # everyone but a US supporter
    kinds = {r["kind"] for r in family.relations}
    flags = {"woman_at_risk": woman, "elderly": "parent" in kinds}
    job, now, since = rng.choice(JOBS), rng.choice(NOW), rng.randint(2006, 2016)

    evidence: list[dict[str, Any]] = []
    if attachments and rng.random() < 0.2:
        att = rng.choice(attachments)
        kind = "photo" if att["media_type"].startswith("image/") else "letter"
        stem = att["filename"].rsplit(".", 1)[0].replace("-", " ").capitalize()
        item = {"kind": kind, "attachments": [att], "names_beneficiary": kind == "letter"}
        evidence.append({**item, "description": f"{stem} (synthetic demo file)"})
        shows = f"Names the principal; mentions work as {job[2]}." if kind == "letter" else ""
        evidence[-1]["shows"] = shows or "The principal's face and name, partly covered."
    if rng.random() < 0.3:
        text = "Threat letter left at the family's door; the family keeps the original."
        item = {"kind": "letter", "description": text, "names_beneficiary": True}
        evidence.append({**item, "shows": "Names the principal and orders the family to leave."})
    for item in evidence:
        item.update(id=_uid(rng), people=[head["id"]])

    urgency = rng.choices(("medium", "high", "critical"), weights=(3, 5, 2))[0]
    summary = f"Worked as {job[2]} from {since} to 2021; threatened since, now in hiding."
    claim = {"kind": "targeted_harm", "urgency": urgency, "summary": summary}
    claims = [{**claim, "people": [head["id"]], "evidence": [e["id"] for e in evidence]}]
    flags["targeted_harm"] = urgency != "medium"
    if "sibling" in kinds:
        summary = "A brother in the United States has filed Form I-134 as supporter."
        claims.append({"kind": "family", "summary": summary, "people": [family.people[-1]["id"]]})
    if flags.setdefault("medical", rng.random() < 0.15):
        patient = rng.choice(members)["id"]
        claim = {"kind": "medical", "urgency": "high", "summary": rng.choice(MEDICAL)}
        claims.append({**claim, "people": [patient]})
    flags["imminent_deadline"] = rng.random() < 0.05

    interviews, statements = [], []
    day = dt.date(2022, 1, 1) + dt.timedelta(days=rng.randint(0, 880))
    for n in range(1 + (rng.random() < 0.2)):  # sometimes a follow-up a month later
        when = (day + dt.timedelta(days=30 * n)).isoformat()
        interview = {"id": _uid(rng), "date": when, "place": rng.choice(PLACES), "language": lang}
        interview.update(interviewer=rng.choice(INTERVIEWERS), interpreter=rng.choice(INTERPRETERS))
        interviews.append({**interview, "people": [p["id"] for p in family.adults]})
        i, local = int(ps), str(since).translate(PERSIAN_DIGITS)
        text = TESTIMONY[i].format(since=local, job=job[i], now=now[i])
        english = TESTIMONY[2].format(since=since, job=job[2], now=now[2])
        translation = {"language": "en", "text": english, "translator": interview["interpreter"]}
        statement = {"id": _uid(rng), "speaker": head["id"], "interview": interview["id"]}
        statement.update(language=lang, text=text, translation=translation, date=when)
        statements.append({**statement, "place": interview["place"]})
    consents = []
    for person in family.adults[: 1 + (rng.random() < 0.4)]:  # the principal, often the spouse
        extra = rng.sample(("share_with_sponsor", "contact", "photographs", "medical_records"), 2)
        scope, form = ["share_with_counsel", *extra[: rng.randint(0, 2)]], rng.choice(FORMS)
        recipients = ["Counsel of record"] + ["US supporter"] * ("share_with_sponsor" in scope)
        consent = {"id": _uid(rng), "person": person["id"], "scope": scope, "form": form}
        consents.append({**consent, "recipients": recipients, "given_on": day.isoformat()})

    if rng.random() < 0.08:  # names too dangerous to write down, even here: the whole
        # family gets pseudonyms (one named child would name the father) and no ID numbers.
        code = f"{rng.choice('ABCDEFGHKMRTZ')}-{rng.randint(10, 99)}"
        labels = [f"{code} {r['kind']} {i}" for i, r in enumerate(family.relations, 1)]
        for person, label in zip(members, [f"Applicant {code}", *labels], strict=False):
            person.update(full_name="", names=[], name_withheld=True, pseudonym=label)
    who = head.get("pseudonym") or head["full_name"]
    plural = " and family" if family.family_size > 1 else ""
    named = [p for p in members if not p.get("name_withheld")]
    documents = [d for p in named for d in _documents(rng, p["id"], p in family.adults)]
    return {
        "title": f"{who}{plural}, {rng.choice(PROVINCES)[1][0]}",
        "route": rng.choices(list(ROUTES), weights=list(ROUTES.values()))[0],
        "status": rng.choices(list(STATUSES), weights=list(STATUSES.values()))[0],
        "priority": [flag for flag, on in flags.items() if on],
        "external_ref": f"DEMO-{rng.randint(10000, 99999)}",
        "notes": "Synthetic demo case: every name, number and event is invented.",
        "people": family.people,
        "relationships": family.relations,
        "identity_documents": documents,
        "claims": claims,
        "evidence": evidence,
        "interviews": interviews,
        "statements": statements,
        "consents": consents,
    }


# Attachments: tiny but valid files, built by hand so the demo needs no imaging library.


def _png(width: int, height: int, rgb: tuple[int, int, int], seed: int) -> bytes:
    """A card-like coloured rectangle with a darker 'photo' box and scanner noise."""
    noise, rows = random.Random(seed), bytearray()  # noqa: S311 - texture, not security
    for y in range(height):
        rows.append(0)  # filter type: none
        for x in range(width):
            dark = 2 if x < width // 3 and height // 5 < y < 4 * height // 5 else 1
            rows += bytes(min(255, c // dark + noise.randrange(12)) for c in rgb)

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    body = chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b"")
    return b"\x89PNG\r\n\x1a\n" + body


def _pdf(lines: list[str]) -> bytes:
    """A one-page PDF in Helvetica; the xref offsets are computed, not hand-counted."""
    text = " ".join(f"({line}) '" for line in lines)  # ' = next line, then show text
    stream = f"BT /F1 14 Tf 72 780 Td 20 TL {text} ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref, size = len(out), len(objects) + 1
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, xref)
    return bytes(out)


def demo_files() -> list[tuple[str, bytes]]:
    """The small pool of distinct files that demo cases share: (filename, content)."""
    demo = "SYNTHETIC DEMO DOCUMENT - not a real person or organisation"
    return [
        ("base-id-badge.png", _png(80, 52, (70, 110, 160), 1)),
        ("tazkira-scan.png", _png(72, 48, (190, 170, 120), 2)),
        ("family-photo.png", _png(64, 64, (120, 150, 90), 3)),
        ("employment-letter.pdf", _pdf([demo, "Employment verification", "2010-2021"])),
        ("recommendation-letter.pdf", _pdf([demo, "Letter of recommendation", "Supervisor"])),
        ("threat-letter-translation.pdf", _pdf([demo, "English translation of a threat letter"])),
    ]


def fill(
    vault: Vault, cases: int, *, seed: int = 1, progress: Callable[[int], None] | None = None
) -> list[str]:
    """Add ``cases`` synthetic cases to an unlocked vault; returns their ids.

    ``progress`` gets the number of cases committed so far, after each batch.
    """
    rng = random.Random(seed)  # noqa: S311 - reproducible demo data, not secrets
    store, blobs, ids = CaseStore(vault), BlobStore(vault), []
    pool: list[dict[str, Any]] = []
    with vault.transaction():
        for filename, data in demo_files() if cases > 0 else []:
            info = blobs.put(io.BytesIO(data), filename)
            pool.append({"sha256": info.sha256, "filename": filename, "size": info.size})
            pool[-1]["media_type"] = info.media_type
    for start in range(0, cases, BATCH):
        with vault.transaction():
            for _ in range(min(BATCH, cases - start)):
                ids.append(store.add_case(generate_case(rng, pool)))
        if progress:
            progress(len(ids))
    with vault.transaction():
        # A file no demo case happened to cite is content nothing names,
        # which `vault check` reports as left behind: do not leave it.
        release_attachments(vault.conn, {item["sha256"] for item in pool})
    return ids
