from chatbot.tasks import ingest_message, summarize_thread


async def test_summary_mentions_order(thread):
    task = await summarize_thread.kiq(thread)

    result = await task.wait_result(timeout=5)

    assert not result.is_err
    assert "order #123" in result.return_value


async def test_summary_is_requested(thread):
    task = await summarize_thread.kiq(thread)

    assert task.task_id


async def test_ingest_stores_message(thread, redis):
    task = await ingest_message.kiq(thread, "refund please")
    result = await task.wait_result(timeout=5)
    message_id = result.return_value
    try:
        assert await redis.hget(f"msg:{message_id}", "text") == "refund please"
    finally:
        await redis.delete(f"msg:{message_id}")  # error: TDL001


async def test_summarize_called_directly(thread):
    summary = await summarize_thread(thread)

    assert summary.startswith("hi there")
