"""Releasing the graph: `culturekg publish --out DIR`.

A release folder holds:

    dumps/culturekg.{nq,trig,jsonld,nt,ttl,rdf}[.gz]   the whole graph; nq/trig/jsonld keep named graphs
    context.jsonld                                     the JSON-LD context (also embedded in every JSON-LD file)
    ontology/culturekg.ttl, ontology/shapes.ttl        the ontology and the SHACL shapes as shipped
    void.ttl                                           VoID + DCAT: files, sizes, SHA-256, statistics, linksets
    index.html, events.html                            overview with SVG pictures, list of events
    ontology/index.html, queries/index.html            ontology documentation, stored-query catalogue
    id/..., graph/...                                  one page per entity (.html, .ttl, .jsonld), path from its IRI
    SHA256SUMS                                         every file's checksum, written last

Modules: canonical (sorted, canonical statements), snapshot (them, on disk: the release never holds
the whole graph), dumps + jsonld (streaming writers), sink (each dump and its gzip, sized and hashed
as written), limits (what a format cannot carry), verify + digest (read-back by another parser,
compared without holding either graph), describe (VoID/DCAT), atomic (staging and swap),
site + pages + view + html + charts + docs + overview (the static site), release (the whole run).
"""
