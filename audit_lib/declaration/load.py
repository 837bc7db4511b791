"""Loading and validating register.yaml and exports.yaml, with errors naming file, line and fix."""

from __future__ import annotations

import difflib
import types
import typing
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ValidationError

from audit_lib.declaration import taxonomy
from audit_lib.declaration.confine import AllowOutside, allowed_folders, outside_problems
from audit_lib.declaration.exports import ExportMap
from audit_lib.declaration.register import Register
from audit_lib.declaration.yaml_source import Location, YamlSource, format_location, read_yaml
from audit_lib.errors import DeclarationError, Problem, validation_message
from audit_lib.i18n import T_, Text
from audit_lib.roles import ROLES


@dataclass
class Declaration:
    """A validated register description and export map, with their sources."""

    register: Register
    exports: ExportMap
    register_source: YamlSource
    exports_source: YamlSource

    @property
    def exports_dir(self) -> Path:
        """The folder the export files are read from."""
        return (self.exports_source.path.parent / self.exports.exports_dir).resolve()

    @property
    def hashes(self) -> dict[str, str]:
        """SHA-256 of register.yaml and exports.yaml."""
        return {self.register_source.path.name: self.register_source.sha256,
                self.exports_source.path.name: self.exports_source.sha256}


def did_you_mean(value: str, choices: typing.Iterable[str]) -> str:
    """`did you mean 'x'? ` (a ``T_`` text) when a choice is close to ``value``, else an empty string."""
    close = difflib.get_close_matches(str(value), sorted(set(choices)), n=1, cutoff=0.6)
    return T_("did you mean {close!r}? ", close=close[0]) if close else ""


def _model_at(model: type[BaseModel], location: Location) -> type[BaseModel] | None:
    """The pydantic model that the mapping at ``location`` is validated against (None if not a model)."""
    current: typing.Any = model
    for part in location:
        current = _unwrap_model(current, part)
        if current is None:
            return None
    return _as_model(current)


def _as_model(annotation: typing.Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):  # Optional[Model], Annotated[Model, ...]
        found = _as_model(arg)
        if found is not None:
            return found
    return None


def _unwrap_model(current: typing.Any, part: str | int) -> typing.Any:
    if isinstance(current, type) and issubclass(current, BaseModel):
        if not isinstance(part, str):
            return None
        for name, info in current.model_fields.items():
            if part in (name, info.alias):
                return info.annotation
        return None
    origin, args = typing.get_origin(current), typing.get_args(current)
    if origin is typing.Annotated:
        return _unwrap_model(args[0], part)
    if origin in (typing.Union, types.UnionType):
        for arg in args:
            found = _unwrap_model(arg, part)
            if found is not None:
                return found
        return None
    if origin is list and isinstance(part, int):
        return args[0]
    if origin is dict and isinstance(part, str):
        return args[1]
    return None


def _allowed_keys(model: type[BaseModel], parent: Location) -> list[str]:
    target = _model_at(model, parent)
    if target is None:
        return []
    return [info.alias or name for name, info in target.model_fields.items()]


def _without_union_tags(location: Location, source: YamlSource) -> Location:
    kept: list[str | int] = []
    for part in location:
        candidate = (*kept, part)
        # A real key has a line in the YAML file; a union tag never does.
        if isinstance(part, str) and candidate not in source.lines and tuple(kept) in source.lines \
                and (part[:1].isupper() or "[" in part or part in ("str", "int", "bool", "float", "none")):
            continue
        kept.append(part)
    return tuple(kept)


def _problems_from_validation(source: YamlSource, error: ValidationError, model: type[BaseModel]) -> list[Problem]:
    problems, add = _collector(source)
    for item in error.errors():
        location: Location = tuple(p for p in item["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        # A union reports each member's errors under the member's tag ("Label", "list[str]"); drop the tag.
        location = _without_union_tags(location, source)
        message = validation_message(item)  # a validator's T_ text stays translatable
        fix = None
        kind = item["type"]
        if kind == "extra_forbidden":
            message = T_("unknown key {key!r}", key=location[-1])
            allowed = _allowed_keys(model, location[:-1])
            fix = T_("{hint}allowed here: {keys}", hint=did_you_mean(str(location[-1]), allowed),
                     keys=", ".join(allowed)) if allowed else \
                T_("remove it or correct its spelling (see the JSON Schema for the allowed keys)")
        elif kind == "missing":
            fix = T_("add the key {key!r} under {parent}", key=location[-1], parent=format_location(location[:-1])) \
                if location[:-1] else T_("add the key {key!r} under the top level", key=location[-1])
        elif kind == "iso_duration":
            fix = T_("write an ISO 8601 duration of years, months, weeks or days, for example P6Y, P3M, P30D or P1Y6M")
        elif kind in ("literal_error", "enum"):
            expected = item.get("ctx", {}).get("expected", "")
            hint = did_you_mean(str(item.get("input")), [e.strip(" '") for e in expected.replace(" or ", ",").split(",")])
            fix = T_("{hint}use one of {expected}", hint=hint, expected=expected)
        elif kind.endswith("_type") or kind.endswith("_parsing"):
            fix = T_("write a value of the expected type here ({expected})",
                     expected=str(item["msg"]).removeprefix("Input should be "))
        add(location, message, fix)
    return problems


def _parse(source: YamlSource, model: type[BaseModel], context: dict | None = None) -> BaseModel:
    if not isinstance(source.data, dict):
        raise DeclarationError([Problem(str(source.path), "", T_("expected a mapping of keys at the top level"),
                                        line=1, fix=T_("start from the sample in data_samples/hyvinvoivin"))])
    try:
        return model.model_validate(source.data, context=context)
    except ValidationError as exc:
        raise DeclarationError(_problems_from_validation(source, exc, model)) from exc


def load_register(path: str | Path) -> tuple[Register, YamlSource]:
    """Read and validate register.yaml on its own (models and cross-references)."""
    source = read_yaml(path)
    register = _parse(source, Register)
    problems = register_problems(register, source)
    if problems:
        raise DeclarationError(problems)
    return register, source  # type: ignore[return-value]


def load_declaration(register_path: str | Path | None, exports_path: str | Path, *,
                     allow_outside: AllowOutside = None) -> Declaration:
    """Read and validate exports.yaml and its register.yaml (from ``register_path`` or the one it names).

    The paths exports.yaml names (its exports_dir, and its register when ``register_path`` is None)
    must resolve inside the folder of exports.yaml, or inside a folder of ``allow_outside``, which
    comes from the person running regaudit (None: $REGAUDIT_ALLOW_OUTSIDE); see ``confine``.
    """
    exports_source = read_yaml(exports_path)
    exports = _parse(exports_source, ExportMap)
    named = {"exports_dir": exports.exports_dir}  # type: ignore[attr-defined]
    if register_path is None:
        named["register"] = exports.register_file  # type: ignore[attr-defined]
    # Checked before anything they name is read: a hostile exports.yaml must not make regaudit open it.
    outside = outside_problems(exports_source.path, named, allowed_folders(exports_source.path, allow_outside),
                               exports_source.line_of)
    if outside:
        raise DeclarationError(outside)
    if register_path is None:
        register_path = exports_source.path.parent / exports.register_file  # type: ignore[attr-defined]
    register, register_source = load_register(register_path)
    if any(export.preset for export in exports.exports):  # type: ignore[attr-defined]
        # Again, now with the register: a preset's categories and identifiers are resolved against it.
        exports = _parse(exports_source, ExportMap, {"register": register})
    problems = export_problems(exports, exports_source, register)  # type: ignore[arg-type]
    if problems:
        raise DeclarationError(problems)
    return Declaration(register, exports, register_source, exports_source)  # type: ignore[arg-type]


def _collector(source: YamlSource) -> tuple[list[Problem], typing.Callable[..., None]]:
    """An empty list of problems, and the function that adds one at a location of ``source``."""
    problems: list[Problem] = []

    def add(location: Location, message: str, fix: str | None) -> None:
        problems.append(Problem(str(source.path), format_location(location), message,
                                line=source.line_of(location), fix=fix))
    return problems, add


def _zone_problem(add, location: Location, zone: str) -> None:
    """A time zone that is no IANA zone."""
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        add(location, T_("unknown time zone {zone!r}", zone=zone), T_("write an IANA time zone such as Europe/Helsinki"))


def _one_of(choices: typing.Iterable[str], hint: str = "") -> Text:
    """The fix "use one of: a, b" (after a did-you-mean ``hint``), the choices in the order given."""
    return T_("{hint}use one of: {choices}", hint=hint, choices=", ".join(choices))


def _canonical_roles(hint: str = "") -> Text:
    """The fix for a name that is no canonical role (table), after a did-you-mean ``hint``."""
    return T_("{hint}use a canonical role: {roles}", hint=hint, roles=", ".join(sorted(ROLES)))


def register_problems(register: Register, source: YamlSource) -> list[Problem]:
    """Cross-reference problems of register.yaml: unknown keys, categories, roles and fields."""
    problems, add = _collector(source)
    _category_problems(register, add)
    check_categories = _category_checker(add, {c.id for c in register.data_categories})
    _taxonomy_problems(register, add, check_categories)
    check_categories(("special_categories", "revealed_by"), register.special_categories.revealed_by)
    for index, rule in enumerate(register.retention.rules):
        check_categories(("retention", "rules", index, "categories"), rule.categories)
        _retention_rule_problems(add, index, rule)
    _table_problems(register, add)
    _zone_problem(add, ("controller", "timezone"), register.controller.timezone)
    _exception_problems(register, add)
    return problems


def _category_problems(register: Register, add) -> None:
    """Data categories declared twice, or with a fides_key fideslang does not know."""
    category_ids = [c.id for c in register.data_categories]
    for index, category in enumerate(register.data_categories):
        if category_ids.count(category.id) > 1:
            add(("data_categories", index, "id"), T_("category id {id!r} is declared twice", id=category.id),
                T_("give every category its own id"))
        if category.fides_key not in taxonomy.keys("data_category"):
            add(("data_categories", index, "fides_key"),
                T_("unknown fideslang data category {key!r}", key=category.fides_key),
                taxonomy.unknown_key_fix("data_category", category.fides_key))


def _category_checker(add, known: set[str]) -> typing.Callable[[Location, list[str]], None]:
    """The check that each category id of a list is one of ``known`` (the declared categories)."""
    def check_categories(location: Location, used: list[str]) -> None:
        for position, category_id in enumerate(used):
            if category_id not in known:
                add(location + (position,),
                    T_("category {category!r} is not declared in data_categories", category=category_id),
                    T_("{hint}declare it under data_categories or use one of: {choices}",
                       hint=did_you_mean(category_id, known), choices=", ".join(sorted(known))))
    return check_categories


def _taxonomy_problems(register: Register, add, check_categories) -> None:
    """Subject types, purposes and recipients: their fideslang keys, categories and purposes."""
    for index, subject in enumerate(register.subject_types):
        if subject.fides_key not in taxonomy.keys("data_subject"):
            add(("subject_types", index, "fides_key"),
                T_("unknown fideslang data subject {key!r}", key=subject.fides_key),
                taxonomy.unknown_key_fix("data_subject", subject.fides_key))
        check_categories(("subject_types", index, "categories"), subject.categories)
    purpose_ids = {p.id for p in register.purposes}
    for index, purpose in enumerate(register.purposes):
        if purpose.fides_use not in taxonomy.keys("data_use"):
            add(("purposes", index, "fides_use"), T_("unknown fideslang data use {key!r}", key=purpose.fides_use),
                taxonomy.unknown_key_fix("data_use", purpose.fides_use))
        check_categories(("purposes", index, "categories"), purpose.categories)
    for index, recipient in enumerate(register.recipients):
        check_categories(("recipients", index, "categories"), recipient.categories)
        for position, purpose_id in enumerate(recipient.purposes):
            if purpose_id not in purpose_ids:
                add(("recipients", index, "purposes", position),
                    T_("purpose {purpose!r} is not declared", purpose=purpose_id), _one_of(sorted(purpose_ids)))


def _retention_rule_problems(add, index: int, rule) -> None:
    """A retention rule on an unknown table, or starting from a column that is missing or no time."""
    role = ROLES.get(rule.role)
    if role is None:
        add(("retention", "rules", index, "role"),
            T_("retention rule {rule!r} is on unknown table {table!r}", rule=rule.id, table=rule.role),
            _canonical_roles(did_you_mean(rule.role, ROLES)))
        return
    timestamps = [f.name for f in role.fields if f.type == "TIMESTAMPTZ"]
    for position, start in enumerate(rule.start_fields):
        where = ("retention", "rules", index, "start") + ((position,) if isinstance(rule.start, list) else ())
        if start not in role.field_names:
            add(where, T_("retention rule {rule!r}: table {table} has no column {column!r}", rule=rule.id,
                          table=rule.role, column=start),
                T_("{hint}start from one of its time columns: {columns}", hint=did_you_mean(start, timestamps),
                   columns=", ".join(timestamps)))
        elif start not in timestamps:
            add(where, T_("retention rule {rule!r}: {table}.{column} is not a time column, so no period can run from "
                          "it", rule=rule.id, table=rule.role, column=start),
                T_("{hint}start from one of its time columns: {columns}", hint="", columns=", ".join(timestamps)))


def _table_problems(register: Register, add) -> None:
    """Unknown tables an access role may read, and unknown tables or fields kept after erasure."""
    for index, access_role in enumerate(register.access.roles):
        for position, role_name in enumerate(access_role.may_access):
            if role_name not in ROLES:
                add(("access", "roles", index, "may_access", position), T_("unknown table {table!r}", table=role_name),
                    _canonical_roles())
    for table, columns in register.rights.erasure.kept_after_erasure.items():
        if table not in ROLES:
            add(("rights", "erasure", "kept_after_erasure", table), T_("unknown table {table!r}", table=table),
                _canonical_roles())
            continue
        for position, column in enumerate(columns):
            if column not in ROLES[table].field_names:
                add(("rights", "erasure", "kept_after_erasure", table, position),
                    T_("{table} has no field {field!r}", table=table, field=column), _one_of(ROLES[table].field_names))


def _exception_problems(register: Register, add) -> None:
    """The existing-customer exception (917/2014 200 § 2 mom.): a claim names its product groups and
    maps its campaigns to them, and a mapping is not left without a claim."""
    claim = register.marketing.existing_customer_exception
    where: Location = ("marketing", "existing_customer_exception")
    groups = claim.product_groups
    if not claim.claimed:
        if groups or claim.campaigns:
            add(where + ("claimed",), T_("product groups or campaigns are declared for the existing-customer "
                                         "exception, but the exception is not claimed, so they are not used"),
                T_("set claimed: true under marketing.existing_customer_exception, or remove the mapping"))
        return
    if not groups:
        add(where, T_("the existing-customer exception (917/2014 200 § 2 mom.) is claimed without product groups: "
                      "no message can be tested for 'the same product group'"),
            T_("declare product_groups: {{group_id: [{categories}]}}",
               categories=T_("service categories as in services.category")))
    if not claim.campaigns:
        add(where, T_("the existing-customer exception is claimed without campaigns: no message can be tied to a "
                      "product group"),
            T_("declare campaigns: {{{campaign}: group_id}}", campaign=T_("campaign name as in marketing_messages.campaign")))
    _product_group_problems(add, where, groups)
    for campaign, group_id in claim.campaigns.items():
        if not campaign.strip():
            add(where + ("campaigns", campaign), T_("a campaign has an empty name"),
                T_("write the campaign as marketing_messages.campaign holds it"))
        if group_id not in groups:
            add(where + ("campaigns", campaign),
                T_("campaign {campaign!r} is mapped to product group {group!r}, which is not declared under "
                   "product_groups", campaign=campaign, group=group_id),
                _one_of(sorted(groups), did_you_mean(group_id, groups)) if groups else
                T_("declare the group under product_groups"))


def _product_group_problems(add, where: Location, groups: dict[str, list[str]]) -> None:
    """The product groups of a claimed existing-customer exception: each named, with categories that are not empty."""
    for group_id, categories in groups.items():
        if not group_id.strip():
            add(where + ("product_groups", group_id), T_("a product group has an empty id"), T_("name the group"))
        if not categories:
            add(where + ("product_groups", group_id),
                T_("product group {group!r} lists no service category, so no purchase can be in it", group=group_id),
                T_("list the categories of its services as services.category holds them, e.g. [jooga, pilates]"))
        for position, category in enumerate(categories):
            if not str(category).strip():
                add(where + ("product_groups", group_id, position),
                    T_("product group {group!r} lists an empty service category", group=group_id),
                    T_("write the category as services.category holds it, or remove it"))


def export_problems(exports: ExportMap, source: YamlSource, register: Register) -> list[Problem]:
    """Cross-reference problems of exports.yaml against the roles and register.yaml."""
    problems, add = _collector(source)
    _not_exported_problems(exports, add)
    categories = {c.id for c in register.data_categories}
    files = [e.file for e in exports.exports]
    for index, export in enumerate(exports.exports):
        where: Location = ("exports", index)
        if files.count(export.file) > 1:
            add(where + ("file",), T_("{file!r} is mapped twice", file=export.file), T_("map each file once"))
        if export.role is not None and export.role not in ROLES:
            add(where + ("role",), T_("unknown role {role!r} for {file}", role=export.role, file=export.file),
                _one_of(sorted(ROLES), did_you_mean(export.role, ROLES)))
            continue
        _mapping_problems(add, where, export, register, categories)
        _zone_problem(add, where + ("timezone",), export.timezone or exports.timezone)
    return problems


def _not_exported_problems(exports: ExportMap, add) -> None:
    """Roles declared not exported: each a known role no export feeds, with a reason."""
    fed = {role for export in exports.exports for role in export.roles}
    for role, reason in exports.not_exported.items():
        if role not in ROLES:
            add(("not_exported", role), T_("unknown role {role!r}", role=role),
                _one_of(sorted(ROLES), did_you_mean(role, ROLES)))
        elif role in fed:
            add(("not_exported", role), T_("role {role!r} is declared not exported, but an export feeds it", role=role),
                T_("remove it from not_exported, or remove the export"))
        if len(reason.strip()) < 3:
            add(("not_exported", role), T_("role {role!r} is declared not exported without a reason", role=role),
                T_("say why the register has no export of it"))


def _mapping_problems(add, where: Location, export, register: Register, categories: set[str]) -> None:
    """One export's identifiers, column categories, records and key against register.yaml and the roles."""
    identifiers = register.identifier_map
    for identifier in (export.subject or {}):
        if identifier not in identifiers:
            add(where + ("subject", identifier),
                T_("identifier {identifier!r} is not declared in register.yaml", identifier=identifier),
                T_("{hint}declare it under identifiers in register.yaml or use one of: {choices}",
                   hint=did_you_mean(identifier, identifiers), choices=", ".join(identifiers)))
    for column, spec in export.columns.items():
        if spec.category is not None and spec.category not in categories:
            add(where + ("columns", column, "category"),
                T_("column {column!r} of {file} maps to category {category!r}, which register.yaml does not declare",
                   column=column, file=export.file, category=spec.category),
                T_("{hint}declare it under data_categories in register.yaml or use one of: {choices}",
                   hint=did_you_mean(spec.category, categories), choices=", ".join(sorted(categories))))
    subject_columns = export.subject_columns(register.master_identifier)
    for plan in export.plans():
        _plan_problems(add, where, export, plan, register, bool(subject_columns))
    keyed = {c for plan in export.plans() for c, _ in plan.fields.values()} | set(export.columns)
    if export.key is not None and export.key not in keyed:
        add(where + ("key",), T_("key column {key!r} is not among the columns", key=export.key),
            T_("name one of the mapped columns as key"))


def _plan_problems(add, where: Location, export, plan, register: Register, has_subject: bool) -> None:
    """Problems of one record an export gives (its own role, a fact, or a consent state)."""
    role = ROLES.get(plan.role)
    at = where + plan.location
    if role is None:
        add(at + ("role",), T_("unknown role {role!r} for {file}", role=plan.role, file=export.file),
            _one_of(sorted(ROLES), did_you_mean(plan.role, ROLES)))
        return
    _plan_field_problems(add, where, at, plan, role, register)
    _plan_given_problems(add, at, plan, role, register)
    _plan_required_problems(add, at, export, plan, role, register, has_subject)


def _no_field(role: str, field_name: str) -> Text:
    """The message for a field the role ``role`` does not have."""
    return T_("role {role} has no field {field!r}", role=role, field=field_name)


def _plan_field_problems(add, where: Location, at: Location, plan, role, register: Register) -> None:
    """Columns mapped to fields the role lacks, or to values that are not canonical."""
    from audit_lib.roles import vocabulary

    column_at = (lambda column: at + ("columns", column)) if plan.location[:1] == ("facts",) else (
        lambda column: where + ("columns", column))
    for field_name, (column, values) in plan.fields.items():
        if field_name not in role.field_names:
            add(column_at(column) + ("field",), _no_field(plan.role, field_name),
                _one_of(role.field_names, did_you_mean(field_name, role.field_names)))
            continue
        allowed = vocabulary(role.field(field_name), register)
        for source, target in (values or {}).items():
            if allowed is not None and target.lower() not in allowed:
                add(column_at(column) + ("values", source),
                    T_("{value!r} is not a canonical value of {role}.{field}", value=target, role=plan.role,
                       field=field_name),
                    T_("map to one of: {choices}", choices=", ".join(allowed)))


def _plan_given_problems(add, at: Location, plan, role, register: Register) -> None:
    """Fields set, derived or not applicable: known to the role, given one way only, constants canonical,
    and no identifying field declared not applicable."""
    from audit_lib.roles import vocabulary

    seen: dict[str, str] = {field_name: T_("column {column}", column=column)
                            for field_name, (column, _) in plan.fields.items()}
    for kind, names in (("set", plan.constants), ("derive", plan.derive), ("not_applicable", plan.not_applicable)):
        for field_name in names:
            if field_name not in role.field_names:
                add(at + (kind, field_name), _no_field(plan.role, field_name),
                    _one_of(role.field_names, did_you_mean(field_name, role.field_names)))
            elif field_name in seen:
                add(at + (kind, field_name),
                    T_("field {field!r} is already given ({given})", field=field_name, given=seen[field_name]),
                    T_("give each canonical field one way: a column, a constant, a derived key or not_applicable"))
            else:
                seen[field_name] = kind
    for field_name, value in plan.constants.items():
        if field_name in role.field_names:
            allowed = vocabulary(role.field(field_name), register)
            if allowed is not None and str(value).lower() not in allowed:
                add(at + ("set", field_name),
                    T_("{value!r} is not a canonical value of {role}.{field}", value=value, role=plan.role,
                       field=field_name), _one_of(allowed))
    for field_name in plan.not_applicable:
        if field_name == "subject_id" or field_name == role.key and role.field(field_name).required:
            add(at + ("not_applicable", field_name),
                T_("{role}.{field} identifies the record; it cannot be declared not applicable", role=plan.role,
                   field=field_name),
                T_("map it from a column, or derive it: derive: {{{field}: [columns]}}", field=field_name))


def _plan_required_problems(add, at: Location, export, plan, role, register: Register, has_subject: bool) -> None:
    """Required fields of the role that nothing gives: no column, constant, derived key or subject."""
    given = plan.provided | ({"subject_id"} if has_subject else set())
    for required in (f.name for f in role.fields if f.required):
        if required not in given:
            ways = (T_("name the subject with `subject: {{identifier: column}}` (identifiers: {identifiers}) or a "
                       "column with `field: subject_id`", identifiers=", ".join(register.identifier_map))
                    if required == "subject_id" else
                    T_("map a column (`field: {field}`), give a constant (`set: {{{field}: ...}}`), derive it "
                       "(`derive: {{{field}: [columns]}}`) or declare it `not_applicable: {{{field}: reason}}`",
                       field=required))
            preset = T_(" (preset {preset} maps no column to it)", preset=export.preset) if export.preset else ""
            add(at, T_("{role} records of {file} need field {field!r}, which nothing gives{preset}", role=plan.role,
                       file=export.file, field=required, preset=preset),
                ways)
