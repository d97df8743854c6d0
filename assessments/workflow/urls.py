from django.urls import path

from assessments.workflow import delegation_views, views

urlpatterns = [
    path("<int:assessment_id>/submit/", views.submit_view, name="submit"),
    path("<int:assessment_id>/withdraw/", views.withdraw_view, name="withdraw"),
    path("<int:assessment_id>/sign/", views.sign_view, name="sign"),
    path("<int:assessment_id>/return/", views.return_view, name="return"),
    path("<int:assessment_id>/rescore/", views.rescore_view, name="rescore"),
    path("<int:assessment_id>/comment/", views.comment_view, name="comment"),
    path("<int:assessment_id>/comment/<int:comment_id>/answer/", views.comment_answer_view, name="comment_answer"),
    path("<int:assessment_id>/reopen/", views.reopen_view, name="reopen"),
    path("<int:assessment_id>/audit/", views.audit_view, name="audit"),
]

# 我的待办 and 审签委托 are the user's, not one assessment's: mounted at the site root without a namespace.
inbox_urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/read/", views.notifications_read, name="notifications_read"),
    path("inbox/sign/", views.batch_sign_view, name="inbox_batch_sign"),
    path("delegations/", delegation_views.delegations, name="delegations"),
    path("delegations/<int:delegation_id>/end/", delegation_views.delegation_end, name="delegation_end"),
]
