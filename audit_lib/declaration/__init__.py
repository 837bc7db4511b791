"""The two files a user writes, as validated models: register.yaml and exports.yaml."""

from audit_lib.declaration.exports import ColumnSpec, Export, ExportMap
from audit_lib.declaration.load import Declaration, load_declaration, load_register
from audit_lib.declaration.register import Register

__all__ = ["ColumnSpec", "Declaration", "Export", "ExportMap", "Register", "load_declaration", "load_register"]
