from sqlalchemy.orm import Mapped, mapped_column

from cupola import Cupola, abort
from cupola.db import Database

app = Cupola(__name__, config={"DATABASE_ATOMIC_REQUESTS": True})
db = Database(app)


class Account(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    balance: Mapped[int] = mapped_column(default=0)


@app.post("/transfer/<int:source>/<int:target>/<int:amount>")
def transfer(source, target, amount):
    db.get_or_404(Account, target).balance += amount
    payer = db.get_or_404(Account, source)
    payer.balance -= amount
    if payer.balance < 0:
        abort(409, "Insufficient funds.")  # the credit above is rolled back too
    return {"balance": payer.balance}  # committed once the response is ready
