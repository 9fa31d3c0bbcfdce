"""Name pools for people, accounts, products and territories.

Plain data, so that the company reads like a real one. `EXOTIC` holds the hostile strings that
`exotic_names=True` plants, for the escaping tests of CSV readers, HTML pages and emails.
"""

from __future__ import annotations


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


FIRST_NAMES = _words(
    "Aaliyah Adam Adrian Aisha Alejandro Alex Alice Amara Amelia Ana Andrea Anika Arjun Ava "
    "Beatriz Ben Bianca Carlos Caroline Chen Chloe Chris Clara Daniel David Diego Elena Eli "
    "Emma Erik Fatima Felix Fiona Gabriel Grace Hana Hannah Hugo Ian Ines Isaac Isabel Ivan "
    "Jack James Jana Jasmine Javier Jin Joao Jonas Julia Kai Karen Kenji Laila Lars Laura "
    "Leo Liam Lina Lucas Lucy Maria Mateo Maya Mei Mia Michael Mohammed Nadia Naomi Nina Noah "
    "Olivia Omar Oscar Paula Pedro Priya Rafael Rania Ravi Rosa Ryan Sara Sebastian Sofia "
    "Tariq Thomas Valentina Victor Wei Yara Yusuf Zara Zoe"
)

LAST_NAMES = _words(
    "Adams Ahmed Alvarez Andersen Bauer Becker Bennett Brooks Campbell Carter Castro Chen "
    "Choi Clarke Costa Cruz Dubois Dunn Edwards Evans Fischer Fleming Garcia Gomez Gupta "
    "Hansen Harris Hughes Ibrahim Ito Jansen Jensen Johnson Kang Kaur Keller Khan Kim Klein "
    "Kowalski Kumar Larsen Lee Lopez Martin Meyer Mitchell Moreau Murphy Nakamura Nguyen "
    "Nielsen Novak Okafor Olsen Ortiz Park Patel Perez Peters Reyes Richter Rossi Ruiz "
    "Santos Sato Schmidt Schulz Silva Singh Smith Sousa Suzuki Tanaka Taylor Thompson Torres "
    "Turner Wagner Walker Wang Weber Williams Wilson Wong Wright Yamamoto Young Zhang Ziegler"
)

ACCOUNT_PREFIXES = _words(
    "Acorn Alpine Amber Apex Arbor Atlas Aurora Beacon Birch Blue Bright Cedar Cobalt Coral "
    "Crescent Crystal Delta Eagle Echo Ember Evergreen Falcon Fjord Frontier Garnet Granite "
    "Harbor Helix Horizon Indigo Iron Jade Juniper Keystone Lakeside Laurel Lumen Maple "
    "Meridian Nimbus North Nova Oak Onyx Orbit Pacific Peak Pine Pioneer Polar Prairie Quartz "
    "Redwood Ridge River Sage Sierra Silver Solar Spruce Stone Summit Sun Terra Tidal Vertex "
    "Willow Zenith"
)

ACCOUNT_CORES = _words(
    "Analytics Bank Biotech Capital Cloud Foods Freight Games Health Hotels Insurance Labs "
    "Logistics Media Medical Metals Mining Motors Networks Pharma Power Retail Robotics "
    "Software Solar Systems Telecom Textiles Travel Utilities Ventures Water Works"
)

ACCOUNT_SUFFIXES = ("Inc", "Ltd", "Group", "Corp", "LLC", "Holdings", "Partners", "GmbH", "SA", "")

INDUSTRIES = (
    "Technology",
    "Financial Services",
    "Healthcare",
    "Manufacturing",
    "Retail",
    "Media",
    "Energy",
    "Transportation",
    "Education",
    "Government",
)

# name, short name, (country, currency, weight)
REGIONS: tuple[tuple[str, str, tuple[tuple[str, str, float], ...]], ...] = (
    ("North America", "NA", (("United States", "USD", 0.8), ("Canada", "USD", 0.2))),
    (
        "EMEA",
        "EMEA",
        (
            ("United Kingdom", "GBP", 0.35),
            ("Germany", "EUR", 0.2),
            ("France", "EUR", 0.15),
            ("Netherlands", "EUR", 0.1),
            ("Ireland", "EUR", 0.05),
            ("Sweden", "USD", 0.1),
            ("United Arab Emirates", "USD", 0.05),
        ),
    ),
    (
        "APAC",
        "APAC",
        (
            ("Australia", "USD", 0.4),
            ("Singapore", "USD", 0.25),
            ("India", "USD", 0.2),
            ("Japan", "USD", 0.15),
        ),
    ),
    ("LATAM", "LATAM", (("Brazil", "USD", 0.5), ("Mexico", "USD", 0.3), ("Chile", "USD", 0.2))),
    (
        "Central Europe",
        "CE",
        (("Germany", "EUR", 0.5), ("Austria", "EUR", 0.2), ("Poland", "USD", 0.3)),
    ),
    (
        "Nordics",
        "NORD",
        (("Sweden", "USD", 0.4), ("Finland", "EUR", 0.3), ("Denmark", "USD", 0.3)),
    ),
    (
        "Southern Europe",
        "SE",
        (("Spain", "EUR", 0.45), ("Italy", "EUR", 0.45), ("Portugal", "EUR", 0.1)),
    ),
    (
        "UK & Ireland",
        "UKI",
        (("United Kingdom", "GBP", 0.85), ("Ireland", "EUR", 0.15)),
    ),
)

SEGMENTS = ("Enterprise", "Mid-Market")

# name, family, list price (USD)
PRODUCTS: tuple[tuple[str, str, float], ...] = (
    ("Platform Core", "Software", 24000.0),
    ("Platform Enterprise", "Software", 60000.0),
    ("Analytics Add-on", "Software", 12000.0),
    ("Data Connectors Pack", "Software", 6000.0),
    ("AI Assistant Seats", "Software", 360.0),
    ("User Licence", "Software", 600.0),
    ("Implementation Services", "Services", 15000.0),
    ("Training Day", "Services", 2500.0),
    ("Premium Support", "Support", 9000.0),
    ("Legacy Reporting Module", "Software", 8000.0),
)
INACTIVE_PRODUCTS = ("Legacy Reporting Module",)

OPPORTUNITY_LABELS = {
    "New Business": ("Platform", "New Logo", "Pilot", "Enterprise Licence"),
    "Upsell": ("Expansion", "Analytics Add-on", "Seat Upgrade", "Services"),
    "Renewal": ("Renewal", "Multi-year Renewal"),
}

EMAIL_DOMAIN = "acmecloud.example"
COMPANY_NAME = "Acme Cloud"

EXOTIC = {
    "rep_name": "<script>alert(1)</script>",
    "rep_name_2": "Zoë Ångström-O'Brien, Jr.",
    "account_formula": '=HYPERLINK("http://x","y")',
    "account_quotes": 'Smith, Jones & "Partners"',
    "account_unicode": "Ünïcødé Tëst 株式会社 — Ωmega",
}
