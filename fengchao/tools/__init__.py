"""Editor tools that write content: `new`, `import`, `stations import`."""
