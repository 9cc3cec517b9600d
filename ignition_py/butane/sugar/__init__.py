"""Butane's variant-specific sugar and checks (Butane v0.29.0 config/<variant>/v*): the
B <-> C interface of issue 13. Base translation (ignition_py/butane) calls ``desugar`` once per
config and merges ``Sugar.fragment`` as the parent of the user's translated config."""

from __future__ import annotations

from ignition_py.butane.sugar import boot_device, grub, levels, openshift, partition_checks
from ignition_py.butane.sugar.fragment import combine, fill_sources
from ignition_py.butane.sugar.shape import Path, Problem, Reader
from ignition_py.butane.sugar.variant_filters import check as check_variant_filters
from ignition_py.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any

__all__ = ["Sugar", "desugar"]


class Sugar:
    """What the sugar of one config amounts to.

    tree: the YAML tree without the sugar-only keys (what base translation reads).
    fragment: the Ignition 3.x config (no "ignition" key) the sugar generates.
    sources: fragment path -> the YAML path it came from (every path in fragment).
    problems: ("error" | "warning", YAML path, Butane's message), in Butane's order.
    steps: for each problem, the Butane step reporting it (shape.STEPS, in Butane's order:
        "decode", "unused", "config", "validate", "translate", "filter"), so that the caller
        can interleave its own problems and, as Butane, drop a later step's problems when an
        earlier step had an error (Butane stops there).
    """

    __slots__ = ("fragment", "problems", "sources", "steps", "tree")

    def __init__(
        self,
        tree: dict[str, Any],
        fragment: dict[str, Any],
        sources: dict[Path, Path],
        problems: list[Problem],
        steps: list[str] | None = None,
    ) -> None:
        self.tree = tree
        self.fragment = fragment
        self.sources = sources
        self.problems = problems
        self.steps = steps if steps is not None else ["validate"] * len(problems)


def desugar(
    variant: str,
    version: str,
    tree: dict[str, Any],
    ignition_version: str,
    *,
    auto_compress: bool = True,
) -> Sugar:
    """Butane's variant-specific processing (fcos boot_device luks/mirror, grub.users,
    openshift/r4e/fiot/flatcar extras and checks) for one config; tree is the YAML mapping as
    plain Python data (no positions). openshift is translated as ``butane --raw`` does.

    Problems of the validation step (sugar sections, metadata) stop the translation step, as
    in Butane: then ``fragment`` is empty and the translate-time checks are not run.
    ``ignition_version`` is the Ignition spec the config translates to (the fragment's
    fields exist in every 3.x spec that the variant version targets). ``auto_compress``
    False is Butane's TranslateOptions.NoResourceAutoCompression (a library option, no CLI
    flag): grub's user.cfg is then never gzipped.
    """
    del ignition_version
    reader = Reader()
    level = levels.fcos_level(variant, version)
    if level is None:
        reader.step = "filter"
        check_variant_filters(reader, variant, version, tree)
        return Sugar(tree, {}, {}, *reader.ordered())
    rest = dict(tree)
    boot = boot_device.BootDevice()
    if level >= levels.BOOT_DEVICE:
        boot = boot_device.read(reader, rest.pop("boot_device", None), level)
    users = grub.read_users(reader, rest.pop("grub", None)) if level >= levels.GRUB else []
    section = None
    if variant == "openshift":
        minor = levels.openshift_minor(version)
        section = openshift.read(reader, rest)
        rest.pop("metadata", None)
        rest.pop("openshift", None)
        reader.step = "config"
        # openshift's Config.Validate shadows the fcos one it embeds
        openshift.validate_config(reader, rest, section, minor, bool(boot.cex))
    else:
        reader.step = "config"
        partition_checks.validate(reader, rest, boot.mirror, level)
    reader.step = "validate"
    boot_device.validate(reader, boot, level)
    grub.validate(reader, users)
    if section is not None:
        openshift.validate_sections(reader, section)
    if reader.has_errors():
        return Sugar(rest, {}, {}, *reader.ordered())

    reader.step = "translate"
    grub_storage = grub.render(users, auto_compress)
    boot_storage, boot_sources = boot_device.render(boot)
    storage, sources = combine(grub_storage, boot_storage, boot_sources)
    partition_checks.check_partitions(reader, rest, storage.get("disks", []), level)
    if section is not None:
        if minor <= openshift.FIPS_CIPHER_UNTIL and section.fields.get("fips") is True:
            rest = openshift.add_fips_options(rest, storage)
            for i, volume in enumerate(storage.get("luks", [])):
                options = ("storage", "luks", i, "options")
                sources[options] = ("openshift", "fips")
                for j in range(len(volume["options"])):
                    sources[(*options, j)] = ("openshift", "fips")
        if minor >= openshift.GRUB_CONTENTS_FROM:
            openshift.grub_append_to_contents(rest, storage)
        openshift.check_machine_config(reader, rest, storage, minor)
        openshift.warn_elided(reader, section)
    fragment = {"storage": storage} if storage else {}
    return Sugar(rest, fragment, fill_sources(fragment, sources), *reader.ordered())
