"""The user guide in the portal: every chapter and picture is served, and every start page links to its chapter."""

import re

import pytest
from django.urls import reverse

from core import guide
from core.roles import START_PAGES, Role

pytestmark = pytest.mark.django_db

IMG_SRC = re.compile(r'<img src="([^"]+)"')
CHAPTER_OF_START_PAGE = {
    Role.ADVISER: "adviseur",
    Role.COORDINATOR: "coordinator",
    Role.TRAINING_PARTNER: "opleider",
    Role.EMPLOYER_CONTACT: "gastwerkgever",
    Role.ADMINISTRATOR: "beheerder",
}


@pytest.mark.parametrize("slug", ["", *(chapter.slug for chapter in guide.CHAPTERS)])
def test_every_page_of_the_guide_is_shown_with_its_pictures(client, adviser, slug):
    client.force_login(adviser)
    url = reverse("guide-chapter", args=[slug]) if slug else reverse("guide")

    response = client.get(url)

    assert response.status_code == 200
    text = (guide.guide_dir() / (f"{slug}.md" if slug else guide.INDEX_FILE)).read_text(encoding="utf-8")
    assert "<h1 id=" in response.text and guide.title_of(text) in response.text
    for chapter in guide.CHAPTERS:
        assert f'href="{reverse("guide-chapter", args=[chapter.slug])}"' in response.text
    for src in IMG_SRC.findall(response.text):
        picture = client.get(src)
        assert picture.status_code == 200, src
        assert picture["Content-Type"] == "image/png"
        assert b"".join(picture.streaming_content).startswith(b"\x89PNG\r\n\x1a\n")


def test_every_chapter_shows_pictures():
    for chapter in guide.CHAPTERS:
        page = guide.page(chapter.slug)
        assert page is not None
        assert IMG_SRC.findall(page.html), f"{chapter.slug} shows no picture"


@pytest.mark.parametrize("role", list(CHAPTER_OF_START_PAGE))
def test_each_start_page_links_to_the_guide_chapter_of_its_role(client, user_for_role, role):
    client.force_login(user_for_role(role))

    response = client.get(reverse(START_PAGES[role]))

    assert response.status_code == 200
    assert f'href="{reverse("guide-chapter", args=[CHAPTER_OF_START_PAGE[role]])}"' in response.text
    assert {chapter.role: chapter.slug for chapter in guide.CHAPTERS}[role] == CHAPTER_OF_START_PAGE[role]


@pytest.mark.parametrize("name", ["onbekend.png", "README.md", "screenshots.py", "..%2Fadviseur.md", ".png", "A.PNG"])
def test_only_the_pictures_of_the_guide_are_served(client, adviser, name):
    client.force_login(adviser)

    assert client.get(f"/handleiding/img/{name}").status_code == 404


def test_a_chapter_that_does_not_exist_is_not_found(client, adviser):
    client.force_login(adviser)

    assert client.get(reverse("guide-chapter", args=["onbekend"])).status_code == 404


def test_the_markdown_of_the_guide_becomes_html():
    text = "\n".join(
        [
            "# Titel",
            "",
            "Een alinea met **vet**, `code <b>` en een [link](gastwerkgever.md#stap)",
            "over twee regels.",
            "",
            "1. Eerste stap.",
            "   ![Een plaatje](img/adviseur-start.png)",
            "2. Tweede stap met <script>alert(1)</script>.",
            "",
            "- los punt met een [link naar buiten de handleiding](../../README.md)",
            "",
            "## Kop & meer",
        ]
    )

    html = guide.render(text, link=guide._portal_link)

    chapter_url = reverse("guide-chapter", args=["gastwerkgever"])
    image_url = reverse("guide-image", args=["adviseur-start.png"])
    assert html == "\n".join(
        [
            '<h1 id="titel" class="h2 mb-3">Titel</h1>',
            "<p>Een alinea met <strong>vet</strong>, <code>code &lt;b&gt;</code> en een "
            f'<a href="{chapter_url}#stap">link</a> over twee regels.</p>',
            f'<ol><li>Eerste stap. <img src="{image_url}" alt="Een plaatje" loading="lazy" '
            'class="d-block img-fluid border rounded shadow-sm my-3"></li>'
            "<li>Tweede stap met &lt;script&gt;alert(1)&lt;/script&gt;.</li></ol>",
            "<ul><li>los punt met een link naar buiten de handleiding</li></ul>",
            '<h2 id="kop-meer" class="section-title mt-4">Kop &amp; meer</h2>',
        ]
    )


def test_a_link_the_guide_cannot_follow_keeps_only_its_text():
    text = "[tekst](javascript:alert) ![alt](img/../geheim.png) [elders](../../README.md)"

    assert guide.render(text, link=guide._portal_link) == "<p>tekst alt elders</p>"
