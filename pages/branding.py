"""Branding: the client's logo, two colours and a footer line for reports, decks and slides."""

from html import escape

import streamlit as st

from cxcore import branding, privacy
from cxui import shell

session = shell.page_session()
brand = branding.branding(session)

st.title("Branding")
st.caption("The logo, colours and footer line that the report (HTML and PDF), the slide deck "
           "and the presentation use for this workspace.")

# ---- preview ----
logo = branding.logo_data_uri(brand)
logo_html = (f'<img src="{escape(logo)}" alt="logo" style="max-height:64px;'
             'max-width:200px;background:#fff;padding:6px;border-radius:4px;float:right">'
             if logo else "")
st.html(f"""
<div style="border:1px solid #d9dde5;border-radius:8px;overflow:hidden;max-width:760px">
  <div style="background:{brand['primary']};color:{branding.text_colour(brand['primary'])};
       padding:18px 22px;min-height:96px">{logo_html}
    <div style="font-size:0.8rem;letter-spacing:.1em;text-transform:uppercase">Customer
      experience program report</div>
    <div style="font-size:1.7rem;font-weight:700">{escape(session.info.name)}</div>
  </div>
  <div style="padding:10px 22px;border-top:5px solid {brand['accent']}">A section heading
    sits over a rule in the accent colour.</div>
  <div style="padding:6px 22px 12px;color:#5b6475;font-size:0.85rem">
    {escape(brand['footer']) or '<i>No footer line.</i>'}</div>
</div>""")

st.subheader("Names in the report and deck")
names_on = privacy.show_names(session)
if session.is_owner:
    show = st.toggle("Show customers' and interviewees' names with their quotes",
                     value=names_on, key="brand_show_names",
                     help="Applies to the report (HTML and PDF), the slide deck, the "
                          "presentation and the interview log's quote wall. E-mail addresses "
                          "are never shown.")
    if show != names_on:
        shell.write_then_rerun(lambda: privacy.set_show_names(session, show),
                               "Names shown with quotes" if show else "Names hidden")
else:
    st.caption(("Names are shown" if names_on else "Names are hidden")
               + " with quotes in the report, the deck, the presentation and the quote wall; "
               "the workspace's owners decide.")
st.caption("Quotes are real survey comments and interview key quotes; e-mail addresses in them "
           "are always hidden. Copy-setup does not carry this choice to another workspace.")

if not session.can_edit:
    st.info("Editors and owners of this workspace can change its branding.")
    st.stop()

with st.form("branding_form"):
    cols = st.columns(2)
    primary = cols[0].color_picker("Main colour (cover and headings)", brand["primary"],
                                   key="brand_primary")
    accent = cols[1].color_picker("Accent colour (rules, bars, tile tops)", brand["accent"],
                                  key="brand_accent")
    footer = st.text_input("Footer line on every page and slide", brand["footer"],
                           max_chars=branding.MAX_FOOTER, key="brand_footer",
                           placeholder="e.g. Prepared for Acme by North Star Consulting")
    if st.form_submit_button("Save colours and footer", type="primary"):
        shell.write_then_rerun(lambda: branding.set_branding(
            session, primary=primary, accent=accent, footer=footer), "Branding saved")

st.subheader("Logo")
upload = st.file_uploader(
    f"A PNG or SVG file, at most {branding.MAX_LOGO_BYTES // 1024} KB", type=["png", "svg"],
    key="brand_logo_file",
    help="SVG files are cleaned before they are kept: scripts, event handlers and links to "
         "anything outside the file are removed.")
cols = st.columns(3)
if cols[0].button("Use this logo", key="brand_logo_save", disabled=upload is None,
                  icon=":material/upload:"):
    data, name = upload.getvalue(), upload.name
    shell.write_then_rerun(lambda: branding.set_logo(session, data, name), "Logo saved")
if cols[1].button("Remove the logo", key="brand_logo_clear", disabled=not brand["logo"],
                  icon=":material/delete:"):
    shell.write_then_rerun(lambda: branding.clear_logo(session), "Logo removed")
if cols[2].button("Back to the default look", key="brand_reset", disabled=not brand["custom"],
                  icon=":material/restart_alt:"):
    shell.write_then_rerun(lambda: branding.reset(session), "Branding reset")
