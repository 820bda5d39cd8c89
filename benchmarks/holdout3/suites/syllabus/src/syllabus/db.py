from functools import lru_cache

from supabase import Client, create_client

from .config import SUPABASE_SERVICE_ROLE_KEY, SUPABASE_URL


@lru_cache(maxsize=1)
def get_supabase_admin() -> Client:
    return create_client(SUPABASE_URL, SUPABASE_SERVICE_ROLE_KEY)


def update_course_progress(course_id, step_id, status, message):
    """Calls the ``update_course_progress`` RPC, which reads ``courses.generation_progress``."""
    return (
        get_supabase_admin()
        .rpc(
            "update_course_progress",
            {"p_course_id": course_id, "p_step_id": step_id, "p_status": status, "p_message": message},
        )
        .execute()
    )
