"""Import contracts import-linter cannot express with its own types (configured in pyproject.toml): a package that
may import only the standard library, no module cycles, and view modules reached only from urls modules."""

import sys

from importlinter import Contract, ContractCheck, fields, output


def _in(module: str, packages) -> bool:
    return any(module == package or module.startswith(package + ".") for package in packages)


class StandardLibraryOnly(Contract):
    modules = fields.ListField(subfield=fields.StringField())

    def check(self, graph, verbose: bool) -> ContractCheck:
        roots = [str(m) for m in self.modules]
        bad = []
        for module in sorted(graph.modules):
            if not _in(module, roots):
                continue
            for imported in sorted(graph.find_modules_directly_imported_by(module)):
                top = imported.split(".")[0]
                if _in(imported, roots) or top in sys.stdlib_module_names:
                    continue
                bad.append((module, imported))
        return ContractCheck(kept=not bad, metadata={"bad": bad})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for module, imported in check.metadata["bad"]:
            output.print_error(f"{module} imports {imported}, which is not in the standard library")


class NoCycles(Contract):
    packages = fields.ListField(subfield=fields.StringField())

    def check(self, graph, verbose: bool) -> ContractCheck:
        packages = [str(p) for p in self.packages]
        modules = sorted(m for m in graph.modules if _in(m, packages))
        edges = {m: sorted(i for i in graph.find_modules_directly_imported_by(m) if _in(i, packages)) for m in modules}
        cycles = [component for component in _strongly_connected(modules, edges) if len(component) > 1]
        return ContractCheck(kept=not cycles, metadata={"cycles": cycles})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for cycle in check.metadata["cycles"]:
            output.print_error("import cycle: " + " ↔ ".join(sorted(cycle)))


def _strongly_connected(nodes, edges):
    """Tarjan's algorithm, iterative (the graph has a few hundred modules)."""
    index, low, on_stack, stack, found, counter = {}, {}, set(), [], [], [0]
    for root in nodes:
        if root in index:
            continue
        work = [(root, iter(edges.get(root, ())))]
        index[root] = low[root] = counter[0]
        counter[0] += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter[0]
                    counter[0] += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(edges.get(child, ()))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    found.append(component)
    return found


class ViewsOnlyFromUrls(Contract):
    packages = fields.ListField(subfield=fields.StringField())

    def check(self, graph, verbose: bool) -> ContractCheck:
        packages = [str(p) for p in self.packages]
        bad = []
        for module in sorted(graph.modules):
            if not _in(module, packages) or not (module.endswith(".views") or module.endswith("_views")):
                continue
            for importer in sorted(graph.find_modules_that_directly_import(module)):
                if importer.split(".")[-1] in ("urls",) or importer.endswith("_urls") or importer.startswith("tests."):
                    continue
                bad.append((importer, module))
        return ContractCheck(kept=not bad, metadata={"bad": bad})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for importer, module in check.metadata["bad"]:
            output.print_error(f"{importer} imports the view module {module}; only urls modules may")
