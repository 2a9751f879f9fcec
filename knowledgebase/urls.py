from django.urls import path

from . import views
from .feeds import PublicKnowledgeFeed

app_name = "knowledgebase"

urlpatterns = [
    path("integrale-acties/", views.joint_action_list, name="joint_actions"),
    path("integrale-acties/nieuw/", views.joint_action_edit, name="joint_action_create"),
    path("integrale-acties/<int:pk>/", views.joint_action_detail, name="joint_action"),
    path("integrale-acties/<int:pk>/bewerken/", views.joint_action_edit, name="joint_action_edit"),
    path("integrale-acties/<int:pk>/les/", views.joint_action_lesson, name="joint_action_lesson"),
    path("bijdragen/", views.contribution_list, name="contributions"),
    path("bijdragen/nieuw/", views.contribution_create, name="contribution_create"),
    path("bijdragen/<int:page_id>/", views.contribution_edit, name="contribution_edit"),
    path("kennis/<int:page_id>/nuttig/", views.helpful_vote, name="helpful_vote"),
    path("kennis/<int:page_id>/bijwerken/", views.content_flag, name="content_flag"),
    path("feeds/kennisbank.xml", PublicKnowledgeFeed(), name="feed"),
]
