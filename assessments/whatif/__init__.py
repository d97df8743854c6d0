"""What-if: an assessment or a project, or a whole region-year, scored under another framework; nothing stored changes."""
