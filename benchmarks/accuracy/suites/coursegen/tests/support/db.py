"""Row factories and cleanup for the supabase test database."""
import uuid

from supabase import Client


def create_test_course(supabase: Client, title: str) -> dict:
    row = {
        "id": str(uuid.uuid4()),
        "title": title,
        "generation_status": "pending",
        "generation_progress": {"has_documents": False, "steps": []},
    }
    return supabase.table("courses").upsert(row).execute().data[0]


def attach_document(supabase: Client, course_id: str, storage_path: str) -> dict:
    row = {"id": str(uuid.uuid4()), "course_id": course_id, "storage_path": storage_path}
    return supabase.table("file_catalog").insert(row).execute().data[0]


def purge_course(supabase: Client, course_id: str) -> None:
    """Remove a test course and everything hanging off it."""
    supabase.table("file_catalog").delete().eq("course_id", course_id).execute()
    supabase.table("courses").delete().eq("id", course_id).execute()
