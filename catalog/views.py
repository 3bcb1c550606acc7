"""Server-rendered pages of the catalog."""

from django.shortcuts import render

from catalog.selectors import listings_public


def home(request):
    listings = listings_public().filter(status="active")[:20]
    return render(request, "home.html", {"listings": listings})
