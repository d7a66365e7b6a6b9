import pytest


@pytest.mark.django_db
def test_home_page_has_an_accessible_shell(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert 'href="#main-content"' in html and 'id="main-content"' in html
    assert "Find and apply for benefits in one place" in html
    assert 'name="csrfmiddlewaretoken"' in html  # the language switcher is a POST form


@pytest.mark.django_db
def test_language_switch_to_spanish_and_back(client):
    response = client.post("/i18n/setlang/", {"language": "es", "next": "/"}, follow=True)
    html = response.content.decode()
    assert '<html lang="es">' in html
    assert "Encuentre y solicite beneficios en un solo lugar" in html
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"}, follow=True)
    assert "Find and apply for benefits in one place" in response.content.decode()


@pytest.mark.django_db
def test_accept_language_header_selects_spanish(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="es")
    assert '<html lang="es">' in response.content.decode()


@pytest.mark.django_db
def test_set_language_rejects_foreign_redirects(client):
    response = client.post("/i18n/setlang/", {"language": "es", "next": "https://evil.example/"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


@pytest.mark.django_db
def test_header_links_to_programs_applications_and_sign_in_on_every_page(client):
    html = client.get("/").content.decode()
    assert 'href="/programs/"' in html
    assert "My applications" in html
    assert "Sign in" in html and "Sign out" not in html
