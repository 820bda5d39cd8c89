from dramatiq import pipeline

from notifier.actors import deliver_email, rebuild_inbox, record_open, send_digest


def test_digest_is_delivered(stub_broker, stub_worker, db, user):
    send_digest.send(user)

    stub_broker.join(send_digest.queue_name)
    stub_broker.join(deliver_email.queue_name)
    stub_worker.join()

    assert db.outbox.count_documents({"to": f"{user}@example.com"}) == 1


def test_digest_is_recorded(stub_broker, stub_worker, db, user):
    send_digest.send(user)

    stub_broker.join(send_digest.queue_name)
    stub_worker.join()

    assert db.digests.count_documents({"user_id": user}) == 1


def test_open_tracking_returns_immediately(stub_broker, stub_worker, user):
    message = record_open.send(user, "m1")

    assert message.queue_name == "default"


def test_digest_message_shape(stub_broker, user):
    message = send_digest.message(user)

    assert message.queue_name == "default"
    assert message.args == (user,)
    assert stub_broker.queues["default"].qsize() == 0


def test_rebuild_then_digest(stub_broker, stub_worker, db, user):
    pipeline(
        [
            rebuild_inbox.message(user),
            send_digest.message_with_options(args=(user,), pipe_ignore=True),
        ]
    ).run()

    stub_broker.join("default")
    stub_broker.join("emails")
    stub_worker.join()

    assert db.users.find_one({"_id": user})["unread"] == 3
    assert db.outbox.count_documents({}) == 1
