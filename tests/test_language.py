"""Footers in another language than the story's, told apart by py3langid (its model ships in
the wheel: no download, no network)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from summarizer.clean import clean, language
from summarizer.clean.common import FOREIGN

STORY = (
    "The port of Rotterdam handled less cargo this year, the operator said on Monday.\n\n"
    "Container volumes fell by four percent as demand weakened and shipping rates dropped.\n\n"
    "The harbour master said the new terminal would still open in the spring.\n\n"
)

# Footers written for this test, as sites append them.
FOOTERS = {
    "fr": "Tous droits réservés. Toute reproduction de cet article est interdite sans "
    "l'autorisation de la rédaction.",
    "fr-newsletter": "Abonnez-vous à notre lettre d'information pour recevoir chaque matin "
    "l'essentiel de l'actualité.",
    "pt": "Todos os direitos reservados. É proibida a reprodução deste conteúdo sem "
    "autorização prévia do jornal.",
    "pt-newsletter": "Receba as notícias mais importantes do dia no seu e-mail. Inscreva-se "
    "na nossa newsletter.",
    "es": "Todos los derechos reservados. Queda prohibida la reproducción total o parcial de "
    "este artículo.",
    "de": "Alle Rechte vorbehalten. Die Weiterverbreitung dieses Artikels ist nur mit "
    "Genehmigung der Redaktion erlaubt.",
    "it": "Tutti i diritti riservati. È vietata la riproduzione anche parziale di questo "
    "articolo senza autorizzazione.",
    "nl": "Alle rechten voorbehouden. Niets uit deze uitgave mag worden overgenomen zonder "
    "toestemming van de redactie.",
}


@pytest.mark.parametrize("lang", sorted(FOOTERS))
def test_footer_in_another_language_is_dropped(lang: str) -> None:
    cleaned = clean(STORY + FOOTERS[lang])
    assert cleaned.text == STORY.strip()
    assert [r.text for r in cleaned.removed if r.reason == FOREIGN] == [FOOTERS[lang]]


def test_every_footer_of_a_long_tail_is_dropped() -> None:
    tail = "\n\n".join(FOOTERS.values())
    cleaned = clean(STORY + tail)
    assert cleaned.text == STORY.strip()
    assert len([r for r in cleaned.removed if r.reason == FOREIGN]) == len(FOOTERS)


@pytest.mark.parametrize(
    "line",
    [
        "Erdogan eyes Ukraine summit with Putin",
        "The minister warned of an 'imminent' invasion.",
        "The photographer Emilio Morenatti took the picture.",
        "El Pais reported the plan.",
        "Vladimir Putin, Olaf Scholz and Emmanuel Macron met in Paris.",
    ],
)
def test_english_lines_with_foreign_names_or_words_stay(line: str) -> None:
    assert line in clean(STORY + line).text


# Short paragraphs with accented letters: English ones with a loanword, which the identifier
# alone reads as French or Occitan (one accented letter outweighs a few English words), and
# footers in other languages, which read as foreign with their marks gone too.
ACCENTED_LOANWORDS = [
    "Café owners met on Tuesday.",
    "Résumé fraud is rising, police say.",
    "Her fiancée denied everything.",
    "Crème brûlée sales doubled last year.",
    "Protégé wins top prize.",
    "Déjà vu for fans as club loses again.",
    "Rosé exports fell sharply.",
    "Naïve investors lost heavily.",
    "Jalapeño crop fails after frost.",
]
ACCENTED_FOOTERS = [
    "Tous droits réservés.",
    "Mentions légales et politique de confidentialité.",
    "Tüm hakları saklıdır.",
    "Última actualización hace dos horas.",
    "Lesen Sie auch: Mehr über das Thema.",
    "Wszelkie prawa zastrzeżone.",
    "À lire aussi sur notre site.",
]


@pytest.mark.parametrize(
    ("paragraph", "foreign"),
    [(line, False) for line in ACCENTED_LOANWORDS] + [(line, True) for line in ACCENTED_FOOTERS],
)
def test_a_short_accented_paragraph_is_dropped_only_if_foreign(
    paragraph: str, foreign: bool
) -> None:
    cleaned = clean(STORY + paragraph)
    assert cleaned.text == (STORY.strip() if foreign else STORY + paragraph)
    assert [r.text for r in cleaned.removed if r.reason == FOREIGN] == [paragraph] * foreign


def test_a_french_article_keeps_its_text_and_drops_a_portuguese_footer() -> None:
    french = (
        "Le port de Rotterdam a traité moins de marchandises cette année, selon l'opérateur.\n\n"
        "Le volume des conteneurs a baissé de quatre pour cent en raison de la faible demande.\n\n"
    )
    cleaned = clean(french + FOOTERS["pt"])
    assert cleaned.text == french.strip()
    assert [r.text for r in cleaned.removed if r.reason == FOREIGN] == [FOOTERS["pt"]]


def test_the_identifier_works_without_a_network() -> None:
    """Its model ships inside the package: loading it opens no connection."""
    script = textwrap.dedent(
        """
        import socket
        def refuse(*args, **kwargs):
            raise OSError("network is off in this test")
        socket.socket.connect = refuse
        socket.create_connection = refuse
        from summarizer.clean.language import identify
        lang, prob = identify("Todos os direitos reservados. É proibida a reprodução.")
        assert lang == "pt" and prob > 0.9, (lang, prob)
        print("ok")
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0 and result.stdout.strip() == "ok", result.stderr[-2000:]


@pytest.mark.parametrize(
    "text",
    [
        "The harbour authority said on Tuesday that the new ferry timetable would start soon.",
        "Receba as notícias mais importantes do dia no seu e-mail e fique bem informado.",
        "Alle Rechte vorbehalten. Nachdruck nur mit schriftlicher Genehmigung der Redaktion.",
        "Tous droits réservés. Toute reproduction est interdite sans autorisation préalable.",
        "Приве́т, мир: это короткий абзац на другом языке и в другом письме.",
        "Fragar nesvor tasnessamgar delfrafranes mikasamsam lotasmi 6686 hinmonsammon.",
        "a",
        "",
        "x" * 900,
    ],
)
def test_sparse_scoring_gives_the_identifiers_own_answer(text: str) -> None:
    # The identifier's features are summed sparsely (only the rows a text fires); the
    # language and probabilities must be py3langid's own, up to float32 rounding.
    identifier = language._identifier()
    head = language._head(text)
    expected_lang, expected_prob = identifier.classify(head)
    lang, prob = language.identify(text)
    assert lang == expected_lang
    assert prob == pytest.approx(float(expected_prob), abs=1e-3)
    ranked = dict(identifier.rank(head))
    distribution = language._distribution(text)
    for code, index in language._class_index().items():
        assert float(distribution[index]) == pytest.approx(float(ranked[code]), abs=1e-3)
