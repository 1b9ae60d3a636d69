from django.urls import path

from huoban.portal import account_views, class_views, evaluation_views, views, volunteer_views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("sites/", views.site_finder, name="finder"),
    path("map/", views.site_map, name="map"),
    path("sites/<uuid:public_id>/", views.site_page, name="site"),
    path("sites/<uuid:public_id>/qr.svg", views.site_qr, name="site_qr"),
    path("sites/<uuid:public_id>/poster.pdf", views.site_poster, name="site_poster"),
    path("help/", views.help_page, name="help"),
    path("text-size/", views.text_size, name="text_size"),
    # Classes: timetables and feeds, a class, signing up, the confirmation.
    path("classes/", class_views.timetable, name="timetable"),
    path("classes/<uuid:public_id>/", class_views.class_page, name="class"),
    path("classes/<uuid:public_id>/sign-up/", class_views.sign_up, name="sign_up"),
    path("streets/<str:code>/classes/", class_views.street_timetable, name="street_timetable"),
    path("streets/<str:code>/classes.ics", class_views.street_feed, name="street_feed"),
    path("sites/<uuid:public_id>/classes/", class_views.site_timetable, name="site_timetable"),
    path("sites/<uuid:public_id>/classes.ics", class_views.site_feed, name="site_feed"),
    path("signups/<uuid:public_id>/", class_views.signup_page, name="signup"),
    path("signups/<uuid:public_id>/cancel/", class_views.signup_cancel_page, name="signup_cancel"),
    path("signups/<uuid:public_id>/undo/", class_views.signup_undo_page, name="signup_undo"),
    # My things, and signing in with an SMS code.
    path("me/", account_views.me, name="me"),
    path("me/sign-in/", account_views.sign_in, name="sign_in"),
    path("me/sign-in/code/", account_views.sign_in_code, name="sign_in_code"),
    path("me/register/", account_views.register, name="register"),
    path("me/sign-out/", account_views.sign_out, name="sign_out"),
    path("me/family/add/", account_views.family_add, name="family_add"),
    path("me/family/code/", account_views.family_code, name="family_code"),
    path("me/family/<uuid:public_id>/remove/", account_views.family_remove, name="family_remove"),
    path(
        "volunteers/<uuid:public_id>/",
        volunteer_views.volunteer_verify,
        name="volunteer_verify",
    ),
    path(
        "volunteers/certificates/<uuid:public_id>/",
        volunteer_views.certificate_verify,
        name="certificate_verify",
    ),
    # Rating a class (by the sign-up's public id) or a help session (by its signed token).
    path(
        "evaluate/class/<uuid:public_id>/", evaluation_views.evaluate_class, name="evaluate_class"
    ),
    path(
        "evaluate/class/<uuid:public_id>/comment/",
        evaluation_views.evaluate_class_comment,
        name="evaluate_class_comment",
    ),
    path(
        "evaluate/class/<uuid:public_id>/thanks/",
        evaluation_views.evaluate_class_thanks,
        name="evaluate_class_thanks",
    ),
    path("evaluate/help/<str:token>/", evaluation_views.evaluate_help, name="evaluate_help"),
    path(
        "evaluate/help/<str:token>/comment/",
        evaluation_views.evaluate_help_comment,
        name="evaluate_help_comment",
    ),
    path(
        "evaluate/help/<str:token>/thanks/",
        evaluation_views.evaluate_help_thanks,
        name="evaluate_help_thanks",
    ),
]
