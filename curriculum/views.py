from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from curriculum.models import GlossaryTerm


@login_required
def glossary(request: HttpRequest) -> HttpResponse:
    """The shared vocabulary, in English and Arabic; key-term blocks link to its anchors."""
    terms = GlossaryTerm.objects.filter(live=True).order_by("term")
    return render(request, "curriculum/glossary.html", {"terms": terms})
