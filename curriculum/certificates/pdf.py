"""The certificate as a PDF: English and Arabic side by side, with the verification address printed
and as a QR code.

WeasyPrint lays out `templates/curriculum/certificates/pdf.html` with
`curriculum/static/curriculum/certificate.css`, in Debian's Noto fonts (Noto Sans, Noto Naskh Arabic:
fonts-noto-core, scripts/pdf_libs.sh); Pango and HarfBuzz shape the Arabic and lay it out right to
left, and the text is stored in logical order, so it can be searched and copied. Each side is
rendered in its own language whatever the reader's (`{% language %}` in the template). Resources
are fetched as for the page PDFs (`curriculum.pdf.StorageFetcher`): the stylesheet from static files,
the QR code as a data: URL, nothing from the network.
"""

from __future__ import annotations

import base64
import io

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

import qrcode
import weasyprint

from curriculum.models import Certificate
from curriculum.pdf import StorageFetcher

STYLESHEET = "curriculum/certificate.css"


def verify_url(request: HttpRequest, certificate: Certificate) -> str:
    """The public address that verifies `certificate`: `/verify/<code>/`, without a language prefix
    (it opens in the visitor's language), on `CERTIFICATES_BASE_URL` or else the requesting host."""
    with translation.override(settings.LANGUAGE_CODE):
        path = reverse("certificate_verify", args=[certificate.code])
    base = settings.CERTIFICATES_BASE_URL.rstrip("/")
    return f"{base}{path}" if base else request.build_absolute_uri(path)


def qr_data_url(text: str) -> str:
    """`text` as a QR code, a PNG data: URL. A bitmap of whole modules (`box_size` pixels each, drawn
    without smoothing by the stylesheet) rather than SVG, so that the code read back from the PDF is
    exactly the image drawn."""
    image = qrcode.make(text, box_size=8, border=4, error_correction=qrcode.constants.ERROR_CORRECT_M)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def sides(certificate: Certificate) -> list[dict]:
    """What each side prints, in its language: the Arabic side names the nation and the course in
    Arabic where they have an Arabic name, else as in English."""
    common = {"name": certificate.officer_name, "rank": certificate.rank, "cohort": certificate.cohort_name}
    return [
        {
            **common,
            "language": "en",
            "direction": "ltr",
            "nation": certificate.nation_name,
            "course": certificate.course_title,
        },
        {
            **common,
            "language": "ar",
            "direction": "rtl",
            "nation": certificate.nation_name_ar or certificate.nation_name,
            "course": certificate.course_title_ar or certificate.course_title,
            "course_lang": "ar" if certificate.course_title_ar else "en",
        },
    ]


def render(request: HttpRequest, certificate: Certificate) -> bytes:
    url = verify_url(request, certificate)
    context = {
        "certificate": certificate,
        "sides": sides(certificate),
        "verify_url": url,
        "qr": qr_data_url(url),
    }
    html = render_to_string("curriculum/certificates/pdf.html", context)
    fetcher = StorageFetcher(request)
    document = weasyprint.HTML(string=html, base_url=request.build_absolute_uri("/"), url_fetcher=fetcher)
    stylesheet = weasyprint.CSS(filename=finders.find(STYLESHEET), url_fetcher=fetcher)
    return document.write_pdf(stylesheets=[stylesheet])
