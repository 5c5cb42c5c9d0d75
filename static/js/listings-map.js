// Listings map: Leaflet on an offline outline of the 100 communes, one circle per listing.
// Works without internet: no tile layer unless data-tiles names one. CSP-safe: no inline
// <style>, no innerHTML with server data (popups are built with DOM methods and textContent).
//
// Container attributes read (on #listings-map):
//   data-source          GeoJSON FeatureCollection of Point features (required)
//   data-outline         GeoJSON of the communes (optional; drawn as thin grey polygons)
//   data-tiles           XYZ URL template; empty = no tile layer at all
//   data-attribution     attribution HTML for the tiles (trusted configuration text)
//   data-label-offer, data-label-request   kind labels (popup, legend, marker names)
//   data-count-template  e.g. "%(n)s listings on the map" (optional)
//   data-label-approximate  e.g. "Approximate location (zone)" (optional; popup + legend)
//   data-label-quantity, data-label-zone, data-label-organisation  (optional popup labels)
//   data-error-message   text shown when the listings cannot be loaded (optional)
// Attributes written: data-loaded="true" and data-count="N" once markers are drawn,
// or data-loaded="error" when the listings could not be fetched.
(function () {
  "use strict";

  const container = document.getElementById("listings-map");
  if (!container) {
    return;
  }
  const data = container.dataset;

  // Approximate bounds of Luxembourg (south-west, north-east) as [lat, lng].
  const LU_BOUNDS = [[49.44, 5.73], [50.19, 6.53]];
  // data-fit="markers" (the zone page): frame the listings, not the country.
  let markerBounds = null;

  // Marker styles. Offers: solid dark-green disc with a white halo. Requests: dark-orange
  // ring (thick stroke) with a white centre, so the kind is told apart by shape as well
  // as by colour. Approximate locations (anonymous listings placed at their zone) get a
  // dashed border and a lighter fill.
  const COLOURS = { offer: "#1f5f3f", request: "#8a3b12" };

  function markerStyle(kind, approximate) {
    const colour = COLOURS[kind];
    const classes = "listing-marker listing-marker--" + kind +
      (approximate ? " listing-marker--approximate" : "");
    if (kind === "request") {
      return {
        radius: 7, color: colour, weight: 4, opacity: 1,
        fillColor: "#ffffff", fillOpacity: approximate ? 0.6 : 0.95,
        dashArray: approximate ? "5 4" : null, className: classes
      };
    }
    if (approximate) {
      return {
        radius: 8, color: colour, weight: 2, opacity: 1,
        fillColor: colour, fillOpacity: 0.45, dashArray: "4 3", className: classes
      };
    }
    return {
      radius: 8, color: "#ffffff", weight: 1.5, opacity: 1,
      fillColor: colour, fillOpacity: 0.95, className: classes
    };
  }

  function label(name, fallback) {
    const value = data[name];
    return value ? value : fallback;
  }

  function kindLabel(kind) {
    return kind === "request" ? label("labelRequest", "Request") : label("labelOffer", "Offer");
  }

  let failed = false;

  function showError() {
    failed = true;
    container.dataset.loaded = "error";
    container.classList.add("listings-map--error");
    container.removeAttribute("tabindex");
    container.textContent = label("errorMessage", "The map could not be loaded.");
  }

  if (typeof window.L === "undefined" || !data.source) {
    showError();
    return;
  }
  const L = window.L;

  const map = L.map(container, {
    minZoom: 7,
    maxZoom: 18,
    maxBounds: L.latLngBounds(LU_BOUNDS).pad(0.3),
    maxBoundsViscosity: 0.8,
    zoomSnap: 0.25
  });
  map.fitBounds(LU_BOUNDS);

  // Fit to the real outline once it is in, unless the person already moved the map.
  let touched = false;
  ["mousedown", "touchstart", "wheel", "keydown"].forEach(function (type) {
    container.addEventListener(type, function () { touched = true; }, { passive: true, once: true });
  });

  if (data.tiles) {
    L.tileLayer(data.tiles, { attribution: data.attribution || "", maxZoom: 19 }).addTo(map);
  }

  // The communes go into their own pane under the markers, whichever fetch finishes first.
  const outlinePane = map.createPane("listingsOutline");
  outlinePane.style.zIndex = 350;
  outlinePane.setAttribute("aria-hidden", "true");

  function fetchJson(url) {
    return fetch(url, {
      credentials: "same-origin",
      headers: { Accept: "application/geo+json, application/json" }
    }).then(function (response) {
      if (!response.ok) {
        throw new Error("HTTP " + response.status + " for " + url);
      }
      return response.json();
    });
  }

  function drawOutline(geojson) {
    if (failed) {
      return; // the listings failed first and the map is gone
    }
    const layer = L.geoJSON(geojson, {
      pane: "listingsOutline",
      interactive: false,
      style: {
        color: "#7a8580", weight: 0.8, opacity: 1,
        fillColor: "#ffffff", fillOpacity: data.tiles ? 0.15 : 0.7  // let tiles show through
      }
    }).addTo(map);
    const bounds = layer.getBounds();
    if (!touched && bounds.isValid()) {
      map.fitBounds(bounds, { animate: false });
    }
  }

  // Only same-origin paths or http(s) links end up in an href.
  function safeHref(url) {
    if (typeof url !== "string" || url === "") {
      return null;
    }
    try {
      const parsed = new URL(url, window.location.href);
      return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : null;
    } catch (err) {
      return null;
    }
  }

  function textOf(value) {
    return value === null || value === undefined ? "" : String(value);
  }

  function addLine(parent, className, labelText, valueText) {
    if (!valueText) {
      return;
    }
    const line = document.createElement("p");
    line.className = className;
    if (labelText) {
      const strong = document.createElement("span");
      strong.className = "listing-popup-label";
      strong.textContent = labelText + ": ";
      line.appendChild(strong);
    }
    line.appendChild(document.createTextNode(valueText));
    parent.appendChild(line);
  }

  function buildPopup(props, kind) {
    const root = document.createElement("div");
    root.className = "listing-popup";

    const heading = document.createElement("p");
    heading.className = "listing-popup-title";
    const title = textOf(props.title) || "#" + textOf(props.id);
    const href = safeHref(props.url);
    if (href) {
      const link = document.createElement("a");
      link.href = href;
      link.textContent = title;
      heading.appendChild(link);
    } else {
      heading.textContent = title;
    }
    root.appendChild(heading);

    addLine(root, "listing-popup-kind listing-popup-kind--" + kind, "", kindLabel(kind));
    addLine(root, "listing-popup-quantity", data.labelQuantity, textOf(props.quantity));
    addLine(root, "listing-popup-zone", data.labelZone, textOf(props.zone));
    if (props.organisation !== null && props.organisation !== undefined) {
      addLine(root, "listing-popup-organisation", data.labelOrganisation, textOf(props.organisation));
    }
    if (props.approximate === true && data.labelApproximate) {
      addLine(root, "listing-popup-approximate", "", data.labelApproximate);
    }
    return root;
  }

  // Markers can be reached with Tab; Enter or Space opens the popup and moves focus
  // into it, Escape closes it and gives the focus back to the marker.
  function makeFocusable(marker, name) {
    const el = marker.getElement && marker.getElement();
    if (!el) {
      return; // Canvas renderer: no element per marker.
    }
    el.setAttribute("tabindex", "0");
    el.setAttribute("role", "button");
    el.setAttribute("aria-label", name);
    el.addEventListener("keydown", function (event) {
      if (event.key !== "Enter" && event.key !== " " && event.key !== "Spacebar") {
        return;
      }
      event.preventDefault();
      marker.openPopup();
      const popup = marker.getPopup();
      const popupEl = popup && popup.getElement();
      const target = popupEl && (popupEl.querySelector(".listing-popup a") ||
        popupEl.querySelector(".leaflet-popup-close-button"));
      if (target) {
        target.focus();
      }
    });
    marker.on("popupopen", function (event) {
      const popupEl = event.popup.getElement();
      if (!popupEl || popupEl.dataset.escapeBound) {
        return;
      }
      popupEl.dataset.escapeBound = "true";
      popupEl.addEventListener("keydown", function (keyEvent) {
        if (keyEvent.key === "Escape" || keyEvent.key === "Esc") {
          keyEvent.preventDefault();
          marker.closePopup();
          el.focus();
        }
      });
    });
  }

  function drawListings(geojson) {
    const features = geojson && Array.isArray(geojson.features) ? geojson.features : [];
    const group = L.featureGroup().addTo(map);
    let count = 0;
    features.forEach(function (feature) {
      const geometry = feature && feature.geometry;
      if (!geometry || geometry.type !== "Point" || !Array.isArray(geometry.coordinates)) {
        return;
      }
      const lng = Number(geometry.coordinates[0]);
      const lat = Number(geometry.coordinates[1]);
      if (!isFinite(lat) || !isFinite(lng)) {
        return;
      }
      const props = feature.properties || {};
      const kind = props.kind === "request" ? "request" : "offer";
      const approximate = props.approximate === true;
      const marker = L.circleMarker([lat, lng], markerStyle(kind, approximate));
      marker.bindPopup(function () { return buildPopup(props, kind); }, {
        className: "listing-popup-wrapper",
        maxWidth: 280
      });
      marker.addTo(group);
      makeFocusable(marker, kindLabel(kind) + ": " + (textOf(props.title) || "#" + textOf(props.id)));
      count += 1;
    });
    markerBounds = group.getBounds();
    return count;
  }

  // Top right: outside the country's outline (Germany, at this framing),
  // where bottom left covered the south's zones (Esch, Belval).
  function addLegend() {
    const legend = L.control({ position: "topright" });
    legend.onAdd = function () {
      const box = L.DomUtil.create("div", "listings-map-legend");
      const list = document.createElement("ul");
      const entries = [["offer", kindLabel("offer")], ["request", kindLabel("request")]];
      if (data.labelApproximate) {
        entries.push(["approximate", data.labelApproximate]);
      }
      entries.forEach(function (entry) {
        const item = document.createElement("li");
        const swatch = document.createElement("span");
        swatch.className = "listings-map-swatch listings-map-swatch--" + entry[0];
        swatch.setAttribute("aria-hidden", "true");
        item.appendChild(swatch);
        item.appendChild(document.createTextNode(entry[1]));
        list.appendChild(item);
      });
      box.appendChild(list);
      return box;
    };
    legend.addTo(map);
  }

  function describe(count) {
    const template = data.countTemplate || "%(n)s listings on the map";
    let summary = document.getElementById("listings-map-summary");
    if (!summary) {
      summary = document.createElement("p");
      summary.id = "listings-map-summary";
      summary.className = "listings-map-summary visually-hidden";
      container.insertAdjacentElement("afterend", summary);
    }
    summary.textContent = template.split("%(n)s").join(String(count)).split("%(n)d").join(String(count));
    container.setAttribute("aria-describedby", summary.id);
  }

  const outlineDone = data.outline
    ? fetchJson(data.outline).then(drawOutline).catch(function (err) {
      // The map still works without the outline; say so in the console only.
      window.console && console.warn("listings map: outline not loaded", err);
    })
    : Promise.resolve();

  const listingsDone = fetchJson(data.source).then(function (geojson) {
    addLegend();
    return drawListings(geojson);
  });

  Promise.all([listingsDone, outlineDone]).then(function (results) {
    const count = results[0];
    if (data.fit === "markers" && markerBounds && markerBounds.isValid()) {
      map.fitBounds(markerBounds.pad(0.5), { animate: false, maxZoom: 13 });
    }
    describe(count);
    container.dataset.count = String(count);
    container.dataset.loaded = "true";
  }).catch(function (err) {
    window.console && console.warn("listings map: listings not loaded", err);
    map.remove();
    // Leaflet leaves its own classes and position on the container: drop them.
    Array.prototype.slice.call(container.classList).forEach(function (name) {
      if (name.indexOf("leaflet-") === 0) {
        container.classList.remove(name);
      }
    });
    container.style.position = "";
    showError();
  });
})();
