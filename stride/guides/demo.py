"""Demo guides: a few of the first county's desk references, most in English and Spanish."""

from django.db import transaction

from stride.core.demo import Progress, demo_promise, demo_step
from stride.core.models import Organisation, Role, User

from . import topics
from .models import Guide, GuideVersion

# (title en, body en, title es, body es, stages, instruments, areas, published)
GUIDES = [
    (
        "Starting with what the family wants",
        "A goal sticks when the family chose it. Before you suggest anything:\n\n"
        "- Ask what a good year would look like for them and their children.\n"
        "- Write the goal in their words, not in program words.\n"
        "- Check it is theirs: *\"If nobody asked you to, would you still do this?\"*\n\n"
        "If the first answer is small, that is fine. A small goal reached builds the next one.",
        "Empezar por lo que la familia quiere",
        "Una meta se mantiene cuando la familia la eligió. Antes de sugerir algo:\n\n"
        "- Pregunte cómo sería un buen año para ellos y sus hijos.\n"
        "- Escriba la meta con sus palabras, no con palabras del programa.\n"
        "- Compruebe que es suya: *\"Si nadie se lo pidiera, ¿lo haría igual?\"*\n\n"
        "Si la primera respuesta es pequeña, está bien. Una meta pequeña alcanzada prepara la siguiente.",
        ["goal"], [], [], True,
    ),
    (
        "Turning a goal into small steps",
        "Plan steps the person can finish before you next meet.\n\n"
        "1. Name the very first action (a call, a form, a visit).\n"
        "2. Give each step a day, and who does it.\n"
        "3. Ask what could get in the way, and write a plan B beside it.\n\n"
        "Five small steps done beat one big step waiting.",
        "Convertir una meta en pasos pequeños",
        "Planee pasos que la persona pueda terminar antes de la próxima reunión.\n\n"
        "1. Nombre la primera acción (una llamada, un formulario, una visita).\n"
        "2. Dé a cada paso un día y quién lo hace.\n"
        "3. Pregunte qué podría estorbar y escriba un plan B al lado.\n\n"
        "Cinco pasos pequeños hechos valen más que un paso grande esperando.",
        ["plan", "do"], [], [], True,
    ),
    (
        "A review meeting in four questions",
        "Use these in order, and let the person answer first:\n\n"
        "- **What went well?** Name the strength that made it happen.\n"
        "- **What was hard?** Look at the situation, not the person.\n"
        "- **What did we learn?**\n"
        "- **Keep going, change the goal, or choose a new one?**\n\n"
        "Changing a goal is a decision, not a failure: record it as one.",
        "Una reunión de revisión en cuatro preguntas",
        "Úselas en orden y deje que la persona conteste primero:\n\n"
        "- **¿Qué salió bien?** Nombre la fortaleza que lo hizo posible.\n"
        "- **¿Qué fue difícil?** Mire la situación, no a la persona.\n"
        "- **¿Qué aprendimos?**\n"
        "- **¿Seguir, cambiar la meta o elegir una nueva?**\n\n"
        "Cambiar una meta es una decisión, no un fracaso: regístrela como tal.",
        ["review"], [], [], True,
    ),
    (
        "Talking through the Bridge picture",
        "Show the picture before the numbers. Start with the pillar where the person stands "
        "highest and ask how they got there.\n\n"
        "Then ask which pillar they would like to move first. It does not have to be the "
        "lowest one.",
        "", "",
        [], ["bridge"], [], True,
    ),
    (
        "Child care search checklist",
        "- Hours the parent needs covered, including travel time\n"
        "- Ages of the children, and any special needs\n"
        "- Subsidy: is the family already approved, or is an application needed?\n"
        "- Two or three providers from the resource map, close to home or work\n"
        "- A visit or call booked as a step on the plan",
        "Lista para buscar cuidado infantil",
        "- Horas que el padre o la madre necesita cubrir, con el tiempo de viaje\n"
        "- Edades de los niños y cualquier necesidad especial\n"
        "- Subsidio: ¿la familia ya está aprobada o hace falta una solicitud?\n"
        "- Dos o tres proveedores del mapa de recursos, cerca de casa o del trabajo\n"
        "- Una visita o llamada agendada como paso del plan",
        ["plan"], [], ["child_care"], True,
    ),
    (
        "Preparing for a first interview",
        "A draft the county is still writing: practice questions, what to bring, and how to "
        "get there on time.",
        "", "",
        ["do"], [], ["job_search"], False,
    ),
]  # fmt: skip


@demo_step
def build_guides_demo(seed: int, progress: Progress) -> None:
    county = Organisation.objects.filter(kind=Organisation.Kind.COUNTY).order_by("pk").first()
    if county is None:
        return
    admin = User.objects.filter(
        role=Role.COUNTY_ADMIN, organisation__path__startswith=county.path
    ).first()
    if admin is None:
        return
    with transaction.atomic():
        guides = [
            Guide(
                county=county,
                title_en=title_en,
                body_en=body_en,
                title_es=title_es,
                body_es=body_es,
                stages=topics.joined(stages),
                instruments=topics.joined(instruments),
                areas=topics.joined(areas),
                published=published,
            )
            for (title_en, body_en, title_es, body_es, stages, instruments, areas, published) in (
                GUIDES
            )
        ]
        Guide.objects.bulk_create(guides)
        GuideVersion.objects.bulk_create(
            GuideVersion(
                guide=guide,
                number=1,
                written_by=admin,
                **{name: getattr(guide, name) for name in Guide.WORDS},
            )
            for guide in guides
        )
    progress(f"guides: {len(guides)} in {county}")


@demo_promise(
    "The first county's coaches find a published guide for each stage of the coaching cycle, "
    "in English and Spanish"
)
def every_stage_has_a_guide() -> bool:
    county = Organisation.objects.filter(kind=Organisation.Kind.COUNTY).order_by("pk").first()
    published = Guide.objects.filter(county=county, published=True).exclude(title_es="")
    return all(
        published.filter(stages__contains=topics.marker(stage)).exists()
        for stage in ("goal", "plan", "do", "review")
    )
