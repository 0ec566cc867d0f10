"""Our own requests, one per archetype, written from the kind of ideas public app-idea lists hold.

Together they name every feature the offline generator can build (a test checks that), so serving
their delivered projects exercises every row of the feature table over real HTTP, WebSockets and
Chromium.
"""

REQUESTS: dict[str, str] = {
    "dashboard": "Fleet maintenance dashboard with vehicles and repairs, charts of repairs by status, CSV export "
                 "and filters",
    "ecommerce": "Plant nursery web shop selling plants with name, price and stock; search, sort by price, cart "
                 "and checkout, and star ratings",
    "chat": "Team chat with rooms, message history and live updates",
    "content": "Cooking blog with recipes, comments, tags and search; each recipe has a photo gallery",
    "crud": "Equipment inventory tracker: devices with serial number, owner, purchase date and condition (new, "
            "used, broken), pagination, notifications and file attachments",
    "landing": "Landing page for a yoga studio with a contact form and dark mode",
    "api": "REST API for a URL shortener: links with url and slug, and votes on links",
    "game": "Snake game with a leaderboard",
    "booking": "Tennis court booking: members book courts by the hour, with user accounts",
    "social": "Neighbourhood forum where residents post notices, comment on them and upvote",
    "cli": "Command-line tool to keep notes with search and sort",
}

# Shops that name their money and stock fields in their own language: the checkout must use them.
SHOPS: dict[str, tuple[str, str, str]] = {
    # request -> (priced entity, money field, stock field)
    "Online-Shop für Kurse mit Titel, Datum und Preis, mit Warenkorb und Checkout": ("kurs", "preis", "stock"),
    "Tienda online de productos con nombre, precio y existencias, con carrito y pago": (
        "producto", "precio", "existencias"),
}

# Bookings that name their own start and end: the overlap check must use them, and no "start"/"end" beside.
BOOKINGS: dict[str, tuple[str, str, str]] = {
    # request -> (booking entity, start field, end field)
    "Car rental for a small agency: cars with model, plate and daily price; rentals with start and end date": (
        "rental", "start_date", "end_date"),
    "Reservas de casas rurales: casas con nombre y precio por noche; reservas con fecha de entrada y fecha de "
    "salida": ("reserva", "fecha_de_entrada", "fecha_de_salida"),
}
