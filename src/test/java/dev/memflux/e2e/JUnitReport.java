package dev.memflux.e2e;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * A JUnit XML file read back as a CI system reads it: the first testsuite's counts and
 * each testcase's failure message ("" for a case that passed).
 */
record JUnitReport(String tests, String failures, Map<String, String> cases) {
    static JUnitReport read(Path file) throws Exception {
        Element suite = (Element) DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(file.toFile())
                .getElementsByTagName("testsuite").item(0);
        NodeList list = suite.getElementsByTagName("testcase");
        Map<String, String> cases = new LinkedHashMap<>();
        for (int i = 0; i < list.getLength(); i++) {
            Element c = (Element) list.item(i);
            NodeList f = c.getElementsByTagName("failure");
            cases.put(c.getAttribute("name"), f.getLength() == 0 ? "" : ((Element) f.item(0)).getAttribute("message"));
        }
        return new JUnitReport(suite.getAttribute("tests"), suite.getAttribute("failures"), cases);
    }
}
