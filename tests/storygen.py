"""A synthetic day of news: many stories, many outlets, deterministic for a seed.

Used by the clustering tests and by ``bench/nightly.py``. What makes it hard enough to mean
something: stories of one domain (two football matches, two elections) share most of their
topical words and differ in their names and details; every article carries background news
words and function words shared by all stories; sizes follow a power law (a few stories with
hundreds of articles, many with one or two); articles run from a paragraph to several thousand
words; some outlets reprint wire copy with small edits; and each article mentions only a random
part of its story's names and details, with some words from other domains.

    day = make_day(articles=1000, seed=1)
    day.write(folder, date=dt.date(2026, 11, 21))   # one .md file per article
    day.labels                                      # story number of each article, in order
"""

from __future__ import annotations

import datetime as dt
import math
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

_FUNCTION = """the the the the a a an of of of to to in in and and and on for with at by from
that that is was were are has had have will would said said says after before over about
into than as but not it its their they he she this these also which who when while during
""".split()
_BACKGROUND = """government officials people city police report minister country president
public state local plan month percent support group decision agency company market workers
health security court law statement spokesperson region national meeting according million
billion data issue situation crisis response members leaders community residents families
services department authority budget program project policy announcement committee council
investigation evidence sources analysts experts industry economy prices costs funding
pressure demand warning concerns questions reports changes efforts measures area areas
morning evening night hours weekend capital center office building streets road system
director chief spokesman spokeswoman representative head team staff board chairman campaign
international foreign domestic federal regional official former senior deputy general
announced confirmed expected reported added noted described continued planned called
told asked refused agreed denied warned urged promised expected likely major key large
small early late recent previous following latest future significant serious important
""".split()
_DOMAINS: dict[str, str] = {
    "football": """match goal goals striker keeper penalty penalties league cup final
        season coach manager fans stadium referee midfielder defender trophy squad injury
        transfer derby semifinal kickoff halftime equaliser header corner tackle substitute
        dressing captain winger relegation promotion fixture supporters pitch title""",
    "election": """election vote votes voters ballot ballots candidate candidates poll
        polls polling turnout campaign rally parliament seat seats coalition party parties
        opposition incumbent constituency debate manifesto runoff recount electoral majority
        minority referendum primary caucus precinct landslide concession inauguration""",
    "weather": """storm flood floods flooding rain rainfall river levels evacuation
        evacuated shelters winds hurricane cyclone forecast meteorologists damage debris
        power outages landslide levee sandbags rescue rescuers stranded emergency drought
        heatwave temperatures snow blizzard tornado warnings downpour inundated""",
    "markets": """shares stocks index investors trading earnings revenue profit quarter
        forecast inflation interest rates central bank bond yields currency dollar euro
        exchange dividend merger acquisition valuation analysts outlook recession growth
        lender credit debt tariffs exports imports commodities oil futures volatility""",
    "courts": """trial judge jury verdict sentence sentenced prosecutors defense lawyer
        lawyers charges charged testimony witness witnesses appeal appeals ruling lawsuit
        plaintiff defendant hearing guilty acquitted conviction custody bail indictment
        courtroom settlement damages injunction supreme justices prosecution""",
    "health": """hospital hospitals patients doctors nurses vaccine vaccines outbreak
        virus infections cases disease treatment clinical trial drug drugs medicine
        symptoms surgery epidemic pandemic clinic diagnosis therapy mortality cancer
        screening emergency wards infection transmission immunity dose doses""",
    "technology": """software app apps users platform data privacy smartphone chips
        semiconductor startup artificial intelligence algorithm cloud servers cyberattack
        hackers breach encryption launch device devices update engineers developers
        network networks online digital regulators antitrust subscription browser""",
    "conflict": """troops soldiers army military forces border ceasefire offensive attack
        attacks missile missiles drone drones shelling artillery casualties civilians
        refugees humanitarian aid convoy negotiations talks sanctions invasion occupied
        frontline withdrawal reinforcements airstrike bombardment brigade commanders""",
    "transport": """airport flights airline airlines passengers delays cancellations
        railway train trains rail strike strikes union unions drivers pilots crew terminal
        motorway traffic congestion bridge tunnel ferry port shipping freight timetable
        commuters fares tickets carriers runway depot signalling""",
    "energy": """energy electricity gas pipeline grid power plant nuclear reactor solar
        wind turbines renewable emissions carbon climate coal fuel prices supply supplies
        shortage blackout utility utilities drilling refinery barrels output consumption
        efficiency subsidies transition storage battery batteries""",
    "education": """school schools students teachers pupils university universities exams
        exam curriculum tuition campus classes classroom graduates degree scholarship
        enrollment lecturers principal academic semester grades literacy funding strike
        kindergarten admissions dormitory faculty homework""",
    "culture": """film festival director actor actress premiere album concert tour
        singer band award awards museum exhibition gallery novel author book theatre
        audience critics box office release series streaming orchestra painting sculpture
        documentary soundtrack choreographer""",
}
_VERBS = """said announced confirmed warned reported insisted estimated argued claimed
    suggested revealed disclosed acknowledged stressed explained predicted""".split()
_SYLLABLES = """ka lo ri ven tor mar sel dun bra qui zan hel mon tav ros fen gal dor lin
    sar bel cor mir nes pol vin ter wal yor ash ber cal del eth fin gor hal ist jor kel lum
    nor orr pen quin ral sten tul ul vor wen xan yel zor""".split()


def pseudo_word(rng: random.Random, syllables: int) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(syllables))


# The language: a long tail of common words behind the real ones (so background words are
# shared the way real ones are: a few by every article, most by few), and a larger vocabulary
# per domain than any one story uses. Fixed, whatever the day's seed.
_LANGUAGE = random.Random(20261121)
_COMMON = _BACKGROUND + [pseudo_word(_LANGUAGE, 3) for _ in range(3000)]
_DOMAIN_WORDS = {
    domain: text.split() + [pseudo_word(_LANGUAGE, 3) for _ in range(200)]
    for domain, text in _DOMAINS.items()
}


def proper_name(rng: random.Random) -> str:
    return pseudo_word(rng, rng.randint(2, 3)).capitalize()


@dataclass(frozen=True)
class Story:
    number: int
    domain: str
    names: tuple[str, ...]  # people, places, organisations of this story
    topic: tuple[str, ...]  # the domain words this story leans on, most used first
    details: tuple[str, ...]  # event words from other domains and the background


@dataclass(frozen=True)
class Article:
    story: int
    outlet: str
    title: str
    text: str


@dataclass(frozen=True)
class Day:
    articles: tuple[Article, ...]
    stories: tuple[Story, ...]

    @property
    def labels(self) -> list[int]:
        return [a.story for a in self.articles]

    def write(self, folder: Path, date: dt.date) -> list[Path]:
        """One Markdown file with front matter per article; the paths, in article order."""
        folder.mkdir(parents=True, exist_ok=True)
        paths = []
        for i, article in enumerate(self.articles):
            path = folder / f"{i:06d}-{_slug(article.outlet)}.md"
            path.write_text(
                f"---\nsource: {article.outlet}\ntitle: {article.title}\n"
                f"published: {date.isoformat()}T08:00:00\n---\n{article.text}\n",
                encoding="utf-8",
            )
            paths.append(path)
        return paths


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def story_sizes(articles: int, rng: random.Random, exponent: float = 2.3) -> list[int]:
    """Story sizes from a discrete power law (many small stories, a few big ones)."""
    largest = max(1, articles // 20)
    sizes: list[int] = []
    left = articles
    while left > 0:
        u = rng.random()
        size = int((1 - u) ** (-1 / (exponent - 1)))  # Pareto with minimum 1
        size = max(1, min(size, largest, left))
        sizes.append(size)
        left -= size
    return sizes


def make_story(number: int, rng: random.Random) -> Story:
    domain = rng.choice(sorted(_DOMAINS))
    words = _DOMAIN_WORDS[domain]
    # The domain's real words first (every story of the domain leans on them), then some of
    # its long tail.
    real = len(_DOMAINS[domain].split())
    topic = rng.sample(words[:real], rng.randint(8, 14)) + rng.sample(words[real:], 20)
    names = tuple(proper_name(rng) for _ in range(rng.randint(4, 10)))
    pool = [w for d, ws in _DOMAIN_WORDS.items() if d != domain for w in ws]
    details = tuple(rng.sample(pool, 4)) + tuple(pseudo_word(rng, 3) for _ in range(8))
    return Story(number=number, domain=domain, names=names, topic=tuple(topic), details=details)


def _zipf_choice(rng: random.Random, items: Sequence[str]) -> str:
    # Rank r is drawn with weight 1/(r+1): the first words of a story carry it.
    weights = [1.0 / (r + 1) for r in range(len(items))]
    return rng.choices(items, weights=weights)[0]


def sentence(
    story: Story, rng: random.Random, mentions: Sequence[str], topic: Sequence[str]
) -> str:
    words: list[str] = []
    length = rng.randint(10, 28)
    for _ in range(length):
        roll = rng.random()
        if roll < 0.34:
            words.append(rng.choice(_FUNCTION))
        elif roll < 0.68:
            words.append(_COMMON[min(int(rng.paretovariate(0.5)) - 1, len(_COMMON) - 1)])
        elif roll < 0.78:
            words.append(_zipf_choice(rng, topic))
        elif roll < 0.86:
            words.append(rng.choice(mentions))
        elif roll < 0.91:
            words.append(rng.choice(story.details))
        elif roll < 0.95:
            words.append(str(rng.randint(2, 2000)))
        else:
            other = rng.choice(sorted(_DOMAIN_WORDS))
            words.append(rng.choice(_DOMAIN_WORDS[other]))
    subject = rng.choice(mentions)
    return f"{subject} {rng.choice(_VERBS)} that {' '.join(words)}."


def make_article(story: Story, outlet: str, rng: random.Random) -> Article:
    # Each article names only some of the story's people and places.
    mentions = rng.sample(story.names, max(1, round(len(story.names) * rng.uniform(0.4, 1.0))))
    # ... and leans on its own part of the story's vocabulary, in its own order.
    topic = rng.sample(story.topic, round(len(story.topic) * rng.uniform(0.3, 0.8)))
    count = max(2, min(200, int(math.exp(rng.gauss(math.log(18), 0.8)))))
    body = [sentence(story, rng, mentions, topic) for _ in range(count)]
    paragraphs = [" ".join(body[i : i + 3]) for i in range(0, len(body), 3)]
    title_words = [rng.choice(mentions), _zipf_choice(rng, story.topic), rng.choice(_VERBS)]
    title_words += [_zipf_choice(rng, story.topic), rng.choice(story.details)]
    title = " ".join(title_words).capitalize()
    return Article(story=story.number, outlet=outlet, title=title, text="\n\n".join(paragraphs))


def reprint(article: Article, outlet: str, rng: random.Random) -> Article:
    """Wire copy carried by another outlet: the same text with a few sentences dropped."""
    paragraphs = article.text.split("\n\n")
    kept = [p for p in paragraphs if rng.random() > 0.15] or paragraphs[:1]
    return Article(article.story, outlet, article.title, "\n\n".join(kept))


def _outlets(rng: random.Random, count: int) -> list[str]:
    kinds = ["Times", "Post", "Herald", "News", "Wire"]
    return [f"{proper_name(rng)} {rng.choice(kinds)}" for _ in range(count)]


def _tell(story: Story, size: int, outlets: Sequence[str], rng: random.Random) -> list[Article]:
    """``size`` articles on one story; about one in ten reprints an earlier one."""
    written: list[Article] = []
    for _ in range(size):
        outlet = rng.choice(outlets)
        if written and rng.random() < 0.1:
            written.append(reprint(rng.choice(written), outlet, rng))
        else:
            written.append(make_article(story, outlet, rng))
    return written


def make_day(articles: int, seed: int = 0, outlets: int = 300) -> Day:
    """``articles`` articles across power-law-sized stories, shuffled, deterministic per seed."""
    rng = random.Random(seed)
    names = _outlets(rng, outlets)
    sizes = story_sizes(articles, rng)
    stories = tuple(make_story(i, rng) for i in range(len(sizes)))
    out = [
        a
        for story, size in zip(stories, sizes, strict=True)
        for a in _tell(story, size, names, rng)
    ]
    rng.shuffle(out)
    return Day(articles=tuple(out), stories=stories)


def bcubed(found: Sequence[Sequence[int]], labels: Sequence[int]) -> tuple[float, float, float]:
    """B-cubed precision, recall and F1 of clusters of item indices against true labels.

    Per item: precision is the share of its cluster that is of its story, recall the share of
    its story that is in its cluster; both averaged over items.
    """
    story_size: dict[int, int] = {}
    for label in labels:
        story_size[label] = story_size.get(label, 0) + 1
    precision = recall = 0.0
    for cluster in found:
        inside: dict[int, int] = {}
        for i in cluster:
            inside[labels[i]] = inside.get(labels[i], 0) + 1
        for label, k in inside.items():
            precision += k * k / len(cluster)
            recall += k * k / story_size[label]
    n = len(labels)
    p, r = precision / n, recall / n
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def make_story_day(articles: int, seed: int = 0, outlets: int = 300) -> Day:
    """One story told by ``articles`` articles (with the same share of wire reprints)."""
    rng = random.Random(seed)
    names = _outlets(rng, outlets)
    story = make_story(0, rng)
    return Day(articles=tuple(_tell(story, articles, names, rng)), stories=(story,))
