from cupola import Cupola

app = Cupola(__name__)


@app.websocket("/ws/echo")
async def echo(ws):
    await ws.accept()
    async for text in ws.iter_text():
        await ws.send_text(text)


@app.websocket("/ws/sum")
async def running_sum(ws):
    await ws.accept()
    total = 0
    async for numbers in ws.iter_json():  # one JSON document per message
        total += sum(numbers)
        await ws.send_json({"total": total})
