import asyncio

from cupola import Cupola, View


class Forecast(View):
    async def get(self, request, city):
        await asyncio.sleep(0)  # e.g. ask a weather service
        return {"city": city, "forecast": "sunny"}

    async def put(self, request, city):
        return {"city": city, "saved": request.json}


app = Cupola(__name__)
app.add_url_rule("/forecast/<city>", view_func=Forecast.as_view("forecast"))
