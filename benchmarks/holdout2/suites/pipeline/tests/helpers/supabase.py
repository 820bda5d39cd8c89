def purge_course(client, course_id):
    """Remove a course and everything hanging off it."""
    client.table("chunks").delete().eq("course_id", course_id).execute()
    client.table("courses").delete().eq("id", course_id).execute()
