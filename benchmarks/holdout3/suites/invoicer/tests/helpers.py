from app.jobs import render_invoice_pdf


def enqueue_batch(queue, invoices, timeout=60):
    """Queue PDF rendering for each invoice, the way the month-end cron does."""
    return [queue.enqueue(render_invoice_pdf, inv.id, job_timeout=timeout) for inv in invoices]
