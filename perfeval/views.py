from units.views import unit_list


def home(request):
    """The start page is the list of the user's units (我的单位), also at /units/."""
    return unit_list(request)
