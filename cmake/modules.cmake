# The one list of georune's modules (docs/architecture.md), in dependency order. Each names the
# modules its code includes; a module may name only modules declared above it, so dependencies
# point one way. From this list come the libraries (georune_<name>, src/<name>/), what each links,
# the test executables (tests/<name>/), what the CLI, benchmarks and Python module link, and the
# include check of georune_module() (cmake/GeoruneModule.cmake). External libraries are named in
# src/<name>/CMakeLists.txt.
georune_declare_module(common)
georune_declare_module(ontology common)
georune_declare_module(archive common ontology)
georune_declare_module(ingest common ontology archive)
georune_declare_module(detect common ontology archive ingest)
georune_declare_module(logic common ontology)
georune_declare_module(plan logic)
georune_declare_module(reason common logic plan archive)
georune_declare_module(search common logic plan reason archive)
georune_declare_module(llm common)
georune_declare_module(nl common ontology logic llm)
georune_declare_module(service common logic archive reason search nl)
georune_declare_module(geo common archive service)
georune_declare_module(embed common)
georune_declare_module(vector common)
georune_declare_module(rag common llm embed vector)
# eval measures both halves (search and RS-RAG); nothing depends on it.
georune_declare_module(eval common ontology archive ingest detect logic reason search llm nl embed vector rag)
# The HTTP server; only georune-rag links it (tools/georune/CMakeLists.txt).
georune_declare_module(server common archive nl service geo rag)
