"""The admin site speaks Chinese throughout — third-party sections and models included — and wears perfeval's look."""


def test_the_admin_index_names_every_section_and_model_in_chinese(client, django_user_model, db):
    admin = django_user_model.objects.create_superuser("root", password="x")
    client.force_login(admin)
    html = client.get("/admin/").content.decode()
    for name in ("登录安全", "登录尝试", "登录日志", "后台任务", "绩效自评"):
        assert name in html
    for english in ("Axes", "Access attempts", "Task Results", "Tasks Database Backend"):
        assert english not in html
    assert "css/admin_site.css" in html and "返回绩效自评" in html


def test_an_admin_change_list_of_a_third_party_model_is_titled_in_chinese(client, django_user_model, db):
    admin = django_user_model.objects.create_superuser("root", password="x")
    client.force_login(admin)
    html = client.get("/admin/axes/accessattempt/").content.decode()
    assert "登录尝试" in html and "access attempt" not in html.lower()
