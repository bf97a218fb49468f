import threading

from cupola import Cupola
from cupola.channels import broadcast, get_channel_layer

app = Cupola(__name__)


def nightly_report(app):
    """Runs in a thread of its own: there is no app context, so pass the app."""
    broadcast("staff", {"type": "report.ready", "url": "/reports/latest"}, app=app)


@app.post("/reports")
def start_report():
    threading.Thread(target=nightly_report, args=(app,)).start()
    return {"started": True}, 202


async def who_is_listening(app):
    """The layer itself: point-to-point channels and groups."""
    layer = get_channel_layer(app)
    mailbox = await layer.new_channel()
    await layer.group_add("staff", mailbox)
    await layer.group_send("staff", {"type": "roll.call"})
    message = await layer.receive(mailbox)
    await layer.group_discard("staff", mailbox)
    return message
