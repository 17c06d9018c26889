"""From the Decision files to the index: schema, loaders, documents (chunks + metadata), the embedders, the Chroma store, the address audit."""
