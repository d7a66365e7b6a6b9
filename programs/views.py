"""Public program pages: the catalog and each program's detail page."""

from django.http import Http404
from django.shortcuts import render

from . import selectors
from .models import ProgramCategory


def catalog(request):
    category = request.GET.get("category") or ""
    if category not in ProgramCategory.values:
        category = ""
    programs = selectors.programs_for_catalog(category=category or None)
    return render(
        request,
        "programs/catalog.html",
        {
            "programs": programs,
            "categories": selectors.catalog_categories(),
            "category": category,
            "category_labels": dict(ProgramCategory.choices),
        },
    )


def detail(request, slug):
    program = selectors.program_for_detail(slug=slug)
    if program is None:
        raise Http404("No published program with this address.")
    return render(
        request,
        "programs/detail.html",
        {"program": program, "category_labels": dict(ProgramCategory.choices)},
    )
