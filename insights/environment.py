"""The nine elements of the service environment (seed 001) and how a person rates each.

The seed's author notes that a director, a manager and an employee understand these elements
differently; the self-assessment asks all three levels the same nine questions so the gap shows.
Each element has a statement; a respondent rates how far it holds in their service, from
1 (not at all) to 5 (completely).
"""

from dataclasses import dataclass

from academy.i18n import current_language

RATINGS = (1, 2, 3, 4, 5)


@dataclass(frozen=True)
class Element:
    slug: str
    name_pl: str
    name_en: str
    statement_pl: str
    statement_en: str

    @property
    def name(self) -> str:
        return self.name_en if current_language() == "en" else self.name_pl

    @property
    def statement(self) -> str:
        return self.statement_en if current_language() == "en" else self.statement_pl


ELEMENTS = (
    Element("goals", "Cele", "Goals",
            "Cele obsługi klienta są zapisane, znane każdemu i wszyscy rozumieją je tak samo.",
            "The goals of customer service are written down, known to everyone and understood the same way."),
    Element("processes", "Procesy", "Processes",
            "Procesy obsługi są rozpoznane i opisane w całości, a opis odpowiada temu, jak naprawdę pracujemy.",
            "The service processes are identified and described end to end, and the description matches how we "
            "really work."),
    Element("procedures", "Procedury", "Procedures",
            "Procedury są jasne, aktualne i używane na co dzień, a nie odłożone na półkę.",
            "Procedures are clear, up to date and used every day rather than left on a shelf."),
    Element("competences", "Kompetencje pracowników", "Employee competences",
            "Wiemy, jakich kompetencji wymaga każde stanowisko, i rozwijamy je planowo.",
            "We know which competences each role needs, and we develop them on purpose."),
    Element("formal-legal", "Uwarunkowania formalno-prawne", "Formal and legal conditions",
            "Każdy zna przepisy i zasady formalne, które dotyczą jego pracy z klientem, i wie, gdzie je sprawdzić.",
            "Everyone knows the laws and formal rules that apply to their work with customers, and where to "
            "check them."),
    Element("decision-centres", "Ośrodki decyzyjne", "Decision centres",
            "Wiadomo, kto o czym decyduje i do kogo zwrócić się z nietypową sprawą klienta.",
            "It is clear who decides what, and whom to turn to with an unusual customer case."),
    Element("efficiency", "Efektywność", "Efficiency",
            "Mierzymy, ile czasu i pracy zajmuje obsługa, i wykorzystujemy te liczby, żeby ją usprawniać.",
            "We measure how much time and work service takes, and use the figures to improve it."),
    Element("work-tools", "Narzędzia pracy", "Work tools",
            "Narzędzia, w których obsługujemy klienta (np. CRM), dają nam wszystko, czego potrzebujemy, "
            "bez obejść.",
            "The tools we serve customers in (e.g. a CRM) give us everything we need without workarounds."),
    Element("support-tools", "Narzędzia wspomagania pracy", "Support tools",
            "Mamy pod ręką bazę wiedzy, szablony i wsparcie, dzięki którym sprawdzimy wszystko sami i szybko.",
            "We have a knowledge base, templates and support at hand to check anything ourselves, quickly."),
)

ELEMENT_SLUGS = tuple(element.slug for element in ELEMENTS)
