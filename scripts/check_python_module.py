"""Checks the Python module jsii-pacmak generated against the jsii assembly it was generated from.

    python3 scripts/check_python_module.py <.jsii file> <jsii-pacmak python dir> <steps file>

Standard library only: the module cannot be imported here (it needs the `jsii` runtime from PyPI), so it is read
with `ast`. Checks, each printed as `ok` or `FAIL`:
- the distribution (setup.py / pyproject.toml) is named after the assembly's python target, the module
  compiles, and the bundled assembly tarball is there;
- every type of the assembly is a top-level class of the module and listed in `__all__`, with a docstring;
- every property, method and enum member of each type is there under its Python name (snake_case; a trailing
  `_` for Python keywords; a leading `_` for protected members); static methods are classmethods;
- the key static factories a .projenrc.py uses (Duration.seconds, HealthCheck.http_get ...) are classmethods.
Each check is also appended to <steps file> as one JSON line `{"name", "ok", "detail"}`: a step of the harness
(test/harness/), which scripts/python-bindings.sh turns into test-reports/python-bindings.json and the line
`python-bindings: N passed, M failed`. Exit status 0 when every check ran (passed or not), 2 on wrong arguments.
"""
import ast
import gzip
import json
import keyword
import os
import re
import sys

KEY_FACTORIES = [
    ("Duration", "seconds"),
    ("Duration", "minutes"),
    ("Duration", "millis"),
    ("HealthCheck", "http_get"),
    ("HealthCheck", "tcp_socket"),
    ("HealthCheck", "exec"),
    ("Instruction", "run"),
    ("Instruction", "copy"),
    ("Instruction", "healthcheck"),
]
KEY_CLASSES = ["FastApiBackend", "StaticFrontend", "Dockerfile", "DockerfileStage", "ContainerService"]

steps_file = None


def check(name, ok):
    print(f"  {'ok  ' if ok else 'FAIL'} {name}")
    with open(steps_file, "a", encoding="utf-8") as f:
        f.write(json.dumps({"name": name, "ok": bool(ok), "detail": ""}) + "\n")


def python_name(name, protected=False):
    snake = re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name)
    snake = re.sub(r"(?<=[A-Z])([A-Z][a-z])", r"_\1", snake).lower()
    if keyword.iskeyword(snake):
        snake += "_"
    return "_" + snake if protected else snake


def load_assembly(path):
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    if data.get("schema") == "jsii/file-redirect":
        with open(os.path.join(os.path.dirname(path), data["filename"]), "rb") as f:
            data = json.loads(gzip.decompress(f.read()))
    return data


def main(assembly_path, python_dir):
    assembly = load_assembly(assembly_path)
    target = assembly.get("targets", {}).get("python")
    check("assembly has a python target (publishToPypi in .projenrc.ts)", target is not None)
    if target is None:
        return
    module_dir = os.path.join(python_dir, "src", target["module"])
    init = os.path.join(module_dir, "__init__.py")
    check(f"{os.path.relpath(init, python_dir)} generated", os.path.isfile(init))
    if not os.path.isfile(init):
        return
    setup = ""
    for f in ("setup.py", "pyproject.toml"):
        p = os.path.join(python_dir, f)
        if os.path.isfile(p):
            with open(p, encoding="utf-8") as fh:
                setup += fh.read()
    check(f"distribution named {target['distName']}", f'"{target["distName"]}"' in setup)
    tarball = f"{assembly['name']}@{assembly['version']}.jsii.tgz"
    check(f"bundled assembly _jsii/{tarball}", os.path.isfile(os.path.join(module_dir, "_jsii", tarball)))

    with open(init, encoding="utf-8") as f:
        source = f.read()
    try:
        tree = ast.parse(source, init)
        compile(tree, init, "exec")
        check("module compiles", True)
    except SyntaxError as e:
        check(f"module compiles ({e})", False)
        return

    classes = {n.name: n for n in tree.body if isinstance(n, ast.ClassDef)}
    exported = set()
    for n in tree.body:
        if isinstance(n, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__all__" for t in n.targets):
            exported = {e.value for e in n.value.elts}

    def members(cls):
        out = {}
        for n in cls.body:
            if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)):
                decorators = {ast.unparse(d) for d in n.decorator_list}
                out.setdefault(n.name, set()).update(decorators)
            elif isinstance(n, ast.Assign):
                for t in n.targets:
                    if isinstance(t, ast.Name):
                        out.setdefault(t.id, set())
        return out

    types = sorted(assembly["types"].values(), key=lambda t: t["fqn"])
    check(f"assembly declares {len(types)} types", len(types) > 0)
    for t in types:
        name = t["name"]
        cls = classes.get(name)
        check(f"{name}: a class of the module, in __all__", cls is not None and name in exported)
        if cls is None:
            continue
        # A struct (jsii data type) carries its docstring on __init__, with one `:param` per field.
        init_fn = next((n for n in cls.body if isinstance(n, ast.FunctionDef) and n.name == "__init__"), None)
        doc = ast.get_docstring(cls) or (ast.get_docstring(init_fn) if init_fn else None)
        check(f"{name}: has a docstring", bool(doc))
        if t.get("datatype"):
            undocumented = [p["name"] for p in t.get("properties", [])
                            if f":param {python_name(p['name'])}:" not in (doc or "")]
            check(f"{name}: a :param for each field" + (f" (missing {undocumented})" if undocumented else ""),
                  not undocumented)
        have = members(cls)
        missing = []
        not_classmethod = []
        for p in t.get("properties", []):
            if python_name(p["name"], p.get("protected", False)) not in have:
                missing.append(p["name"])
        for m in t.get("methods", []):
            py = python_name(m["name"], m.get("protected", False))
            if py not in have:
                missing.append(m["name"] + "()")
            elif m.get("static") and "builtins.classmethod" not in have[py]:
                not_classmethod.append(m["name"])
        for m in t.get("members", []):
            if m["name"] not in have:
                missing.append(m["name"])
        if t["kind"] == "class" and "initializer" in t:
            if "__init__" not in have:
                missing.append("constructor")
        count = len(t.get("properties", [])) + len(t.get("methods", [])) + len(t.get("members", []))
        check(f"{name}: all {count} members under their Python names" + (f" (missing {missing})" if missing else ""),
              not missing)
        if any(m.get("static") for m in t.get("methods", [])):
            check(f"{name}: static methods are classmethods" + (f" (not: {not_classmethod})" if not_classmethod else ""),
                  not not_classmethod)

    for cls_name, method in KEY_FACTORIES:
        cls = classes.get(cls_name)
        decorators = members(cls).get(method) if cls else None
        check(f"{cls_name}.{method}: a classmethod", decorators is not None and "builtins.classmethod" in decorators)
    for cls_name in KEY_CLASSES:
        check(f"{cls_name}: exported", cls_name in exported)


if __name__ == "__main__":
    if len(sys.argv) != 4:
        print(__doc__)
        sys.exit(2)
    steps_file = sys.argv[3]
    main(sys.argv[1], sys.argv[2])
