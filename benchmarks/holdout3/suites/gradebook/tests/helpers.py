from gradebook.models import Submission


def make_submissions(course, cohort, count, correct_every=2):
    """Create ``count`` submissions, every ``correct_every``-th answer correct."""
    return [
        Submission.objects.create(
            course=course,
            cohort=cohort,
            student_email=f"student{i}@example.edu",
            answers={"q1": {"correct": i % correct_every == 0}},
        )
        for i in range(count)
    ]
